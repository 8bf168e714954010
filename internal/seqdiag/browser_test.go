package seqdiag

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium to drive, or skips the test with one loud line.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "SKIPPED the trace page's browser test: no Chromium on PATH; install it with: apt-get install -y chromium"
	fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***")
	t.Skip(msg)
	return ""
}

// TestHTMLInChromium opens a trace page from a file in headless Chromium,
// which renders an SVG with one lifeline per process and draws the
// never-received DOWN. OTPGO_TRACE_SCREENSHOT=file.png saves the page.
func TestHTMLInChromium(t *testing.T) {
	exe := chromium(t)
	var page bytes.Buffer
	if err := HTML(&page, "otpgo trace 01.3", []Section{{Title: "busy", Log: busy03()}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "trace.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1300, 900))...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

	u := url.URL{Scheme: "file", Path: file}
	if err := chromedp.Do(browser, chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS(`svg`))); err != nil {
		t.Fatalf("load the page: %v", err)
	}
	// Five processes in busy03 (0 stands for "no process": a timer).
	lifelines, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("svg line.lifeline").length`))
	if err != nil {
		t.Fatal(err)
	}
	if lifelines != 5 {
		t.Errorf("the SVG has %d lifelines; want 5, one per process", lifelines)
	}
	// Lifelines are laid out: each has a height and they do not overlap.
	distinct, err := chromedp.Run(browser, chromedp.Evaluate[int](
		`new Set([...document.querySelectorAll("svg line.lifeline")].filter(l => l.getBBox().height > 0).map(l => Math.round(l.getBBox().x))).size`))
	if err != nil {
		t.Fatal(err)
	}
	if distinct != 5 {
		t.Errorf("%d lifelines drawn apart with a height; want 5", distinct)
	}
	lost, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("svg line.lost").length`))
	if err != nil {
		t.Fatal(err)
	}
	if lost != 2 {
		t.Errorf("%d arrows marked lost; want 2 (the reconnect and the status request; the self-send is a mark)", lost)
	}
	if p := os.Getenv("OTPGO_TRACE_SCREENSHOT"); p != "" {
		png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
