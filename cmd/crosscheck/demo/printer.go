package demo

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// printer writes the demo's terminal output: finished lines, alerts framed
// as Slack messages, and, on a terminal, one progress line redrawn in
// place. Write errors are ignored: a closed terminal must not fail the
// pipeline, and there is nowhere better to report them.
type printer struct {
	w        io.Writer
	progress bool
	// dirty is set while a progress line is on screen.
	dirty bool
	// framed is set after an alert, which already ends in a blank line.
	framed bool
}

// clearProgress wipes the progress line so the next output starts on a
// clean line.
func (p *printer) clearProgress() {
	if p.dirty {
		io.WriteString(p.w, "\r\033[K")
		p.dirty = false
	}
}

func (p *printer) progressf(format string, args ...any) {
	if !p.progress {
		return
	}
	p.clearProgress()
	fmt.Fprintf(p.w, "… "+format, args...)
	p.dirty = true
}

func (p *printer) line(s string) {
	p.clearProgress()
	p.framed = false
	io.WriteString(p.w, s+"\n")
}

func (p *printer) headline(s string) { p.line(s) }

// blank separates sections; an alert's frame already ends in one.
func (p *printer) blank() {
	if !p.framed {
		p.line("")
	}
}

func (p *printer) stepf(format string, args ...any) {
	p.line("✓ " + fmt.Sprintf(format, args...))
}

// alert frames one message as Slack shows it: the app's name over the
// message, the body indented under a bar.
func (p *printer) alert(text string) {
	p.clearProgress()
	const width = 78
	var b strings.Builder
	if !p.framed {
		b.WriteString("\n")
	}
	p.framed = true
	b.WriteString("┌─ #alerts · Crosscheck APP " + strings.Repeat("─", width-28) + "\n")
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		for _, wrapped := range wrap(l, width-4) {
			b.WriteString(strings.TrimRight("│ "+wrapped, " ") + "\n")
		}
	}
	b.WriteString("└" + strings.Repeat("─", width-1) + "\n\n")
	io.WriteString(p.w, b.String())
}

// wrap breaks a line at spaces so no piece is longer than n runes, keeping
// the line's indentation on its continuations. URLs and other long words
// are never broken.
func wrap(line string, n int) []string {
	if utf8.RuneCountInString(line) <= n {
		return []string{line}
	}
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	cont := indent + "  "
	var out []string
	cur := indent
	for _, word := range strings.Fields(line) {
		switch {
		case strings.TrimSpace(cur) == "":
			cur += word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) > n:
			out = append(out, cur)
			cur = cont + word
		default:
			cur += " " + word
		}
	}
	return append(out, cur)
}
