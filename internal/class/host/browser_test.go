package host

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/otpgo/otpgo/internal/class"
)

// chromium finds a Chromium to drive, or skips the test with one loud line.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "SKIPPED the class board's browser test: no Chromium on PATH; install it with: apt-get install -y chromium"
	fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***")
	t.Skip(msg)
	return ""
}

// TestBoardInChromium loads the board in headless Chromium: a verdict a
// simulated attendee reports appears live, and a hostile name is text.
// OTPGO_CLASS_SCREENSHOT=file.png saves what the browser shows.
func TestBoardInChromium(t *testing.T) {
	exe := chromium(t)
	c := newClassroom(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1100, 520))...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

	ana := c.attendee("Ana")
	evil := c.attendee(`<img src=x onerror="document.title=1">`)
	class.Report(context.Background(), ana, passed("01.1"))
	class.RaiseHand(context.Background(), evil, "01.1", "<b>help</b>", "", false)

	url := "http://" + c.addr + c.srv.BoardPath()
	if err := chromedp.Do(browser, chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`td[data-step="01.1"][data-state="passed"]`))); err != nil {
		t.Fatalf("load the board: %v", err)
	}
	names, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(`#rows`)))
	if err != nil {
		t.Fatal(err)
	}
	made, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("#rows img, #rows b").length`))
	if err != nil {
		t.Fatal(err)
	}
	if made != 0 || !strings.Contains(names, `<img src=x onerror=`) {
		t.Fatalf("the hostile name should show as text: %d elements made, rows text %q", made, names)
	}

	// A new verdict is pushed to the open page.
	bob := c.attendee("Bob")
	sent := time.Now()
	class.Report(context.Background(), bob, failed("01.1", "TestSpawn", "Spawn returned the zero PID"))
	if err := chromedp.Do(browser,
		chromedp.WaitVisible(chromedp.CSS(`tr[data-id="a3"] td[data-step="01.1"][data-state="failing"]`))); err != nil {
		t.Fatalf("Bob's failing verdict never appeared: %v", err)
	}
	t.Logf("a report reached the page %v after it was sent", time.Since(sent).Round(time.Millisecond))
	if title, _ := chromedp.Run(browser, chromedp.Title()); title == "1" {
		t.Fatal("the hostile name ran as script")
	}
	if p := os.Getenv("OTPGO_CLASS_SCREENSHOT"); p != "" {
		png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cancelBrowser()
	cancelAlloc()
}
