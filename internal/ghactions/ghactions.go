// Package ghactions is what coreclaw knows of GitHub Actions: when a step
// runs it (GITHUB_ACTIONS=true), the outcome of a wait becomes step outputs
// ($GITHUB_OUTPUT) and a short Markdown summary ($GITHUB_STEP_SUMMARY),
// and error and warning lines become annotations (::error::, ::warning::).
// Everything written here may hold server text: it is redacted like the
// streams, and escaped for the format it goes into.
package ghactions

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Env is the GitHub Actions step coreclaw runs in.
type Env struct {
	// OutputPath and SummaryPath are $GITHUB_OUTPUT and
	// $GITHUB_STEP_SUMMARY; empty when the runner did not set them.
	OutputPath, SummaryPath string
	// Redact removes the secrets the streams know (the API key) from
	// what is written to the files; nil writes text as it is.
	Redact func(string) string
	// Random makes the delimiters of multi-line outputs; crypto/rand
	// when nil.
	Random io.Reader
}

// Detect returns the step's environment, or nil outside GitHub Actions
// (GITHUB_ACTIONS is not "true"). redact is Env.Redact.
func Detect(lookup func(string) (string, bool), redact func(string) string) *Env {
	if v, _ := lookup("GITHUB_ACTIONS"); v != "true" {
		return nil
	}
	out, _ := lookup("GITHUB_OUTPUT")
	sum, _ := lookup("GITHUB_STEP_SUMMARY")
	return &Env{OutputPath: out, SummaryPath: sum, Redact: redact}
}

// Output is one step output.
type Output struct{ Name, Value string }

// SetOutputs appends outputs to $GITHUB_OUTPUT: `name=value` lines, or,
// for a value with a line break, `name<<DELIMITER` lines with a random
// delimiter that the value does not contain. Values are redacted first.
func (e *Env) SetOutputs(outputs []Output) error {
	if e.OutputPath == "" {
		return nil
	}
	var b strings.Builder
	for _, o := range outputs {
		value := e.redact(o.Value)
		if !strings.ContainsAny(value, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", o.Name, value)
			continue
		}
		delim, err := e.delimiter(value)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, value, delim)
	}
	return appendFile(e.OutputPath, b.String())
}

// AppendSummary appends Markdown to $GITHUB_STEP_SUMMARY, redacted.
// Server text in it must have gone through Markdown.
func (e *Env) AppendSummary(markdown string) error {
	if e.SummaryPath == "" {
		return nil
	}
	return appendFile(e.SummaryPath, e.redact(markdown))
}

// Markdown is text from the server as literal Markdown for the summary:
// redacted first (escaping would hide a secret from the redaction), then
// EscapeMarkdown.
func (e *Env) Markdown(text string) string { return EscapeMarkdown(e.redact(text)) }

func (e *Env) redact(s string) string {
	if e.Redact == nil {
		return s
	}
	return e.Redact(s)
}

// delimiter is a heredoc delimiter that does not occur in value.
func (e *Env) delimiter(value string) (string, error) {
	random := e.Random
	if random == nil {
		random = rand.Reader
	}
	for range 3 {
		buf := make([]byte, 16)
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("making an output delimiter: %w", err)
		}
		if d := "ghadelimiter_" + hex.EncodeToString(buf); !strings.Contains(value, d) {
			return d, nil
		}
	}
	return "", errors.New("making an output delimiter: every one tried occurs in the value")
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// markdownSpecial are the characters that could make Markdown of text:
// emphasis, code, links, images, HTML and entities, table cells,
// strikethrough, headings' closing #, and GitHub's $math$.
const markdownSpecial = "\\`*_[]<>&|~$#!"

// EscapeMarkdown makes text from the server literal in Markdown, on one
// line (a table cell, a heading): controls and escape sequences removed,
// line breaks made spaces, and every character that Markdown could read
// as markup backslash-escaped.
func EscapeMarkdown(text string) string {
	text = iostreams.SanitizeLine(text)
	var b strings.Builder
	for _, r := range text {
		if r < 0x80 && strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// EscapeData escapes an annotation's message as GitHub's toolkit does:
// %, CR and LF, which would otherwise end or forge the command.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}
