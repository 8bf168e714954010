// Package browsertest opens trace pages (internal/seqdiag's HTML) in
// headless Chromium, for the tests of seqdiag and of otpgo trace. A test
// without Chromium on PATH is skipped with one loud line saying how to
// install it.
package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Page is a trace page loaded in a headless Chromium, closed when the
// test ends.
type Page struct {
	t       testing.TB
	browser context.Context
}

// Open loads the page in file, waiting until its first SVG is visible, or
// skips the test when there is no Chromium.
func Open(t testing.TB, file string) *Page {
	t.Helper()
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1300, 900))...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	u := url.URL{Scheme: "file", Path: file}
	if err := chromedp.Do(browser, chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS(`svg`))); err != nil {
		t.Fatalf("load %s in Chromium: %v", file, err)
	}
	return &Page{t: t, browser: browser}
}

// Count evaluates a JavaScript expression giving a number.
func (p *Page) Count(js string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.browser, chromedp.Evaluate[int](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return n
}

// Lifelines reports how many lifelines the page's SVGs draw, and how many
// of them have a height and an x of their own (laid out apart).
func (p *Page) Lifelines() (all, apart int) {
	p.t.Helper()
	return p.Count(`document.querySelectorAll("svg line.lifeline").length`),
		p.Count(`new Set([...document.querySelectorAll("svg line.lifeline")].filter(l => l.getBBox().height > 0).map(l => Math.round(l.getBBox().x))).size`)
}

// Screenshot saves the whole page as a PNG to the file named by the
// environment variable env, if it is set.
func (p *Page) Screenshot(env string) {
	p.t.Helper()
	file := os.Getenv(env)
	if file == "" {
		return
	}
	png, err := chromedp.Run(p.browser, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// chromium finds a Chromium to drive, or skips the test with one loud line.
func chromium(t testing.TB) string {
	t.Helper()
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
