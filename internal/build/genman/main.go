// Command genman writes coreclaw's man pages, one per command, from the
// command tree: `go run ./internal/build/genman man` (make man). The pages
// are committed under man/ and shipped in the release archives; the tests
// fail when they no longer match the commands.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/cmd/root"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// pageDate is the date in every page's header. It is fixed, not the day
// of generation, so that the committed pages are the same whoever makes
// them and whenever (cobra would take today, or SOURCE_DATE_EPOCH).
var pageDate = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genman DIR")
		os.Exit(2)
	}
	if err := generate(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "genman:", err)
		os.Exit(1)
	}
}

// generate replaces DIR's *.1 files with a page for every command.
func generate(dir string) error {
	pages, err := render()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for name, body := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// render returns every page by file name (coreclaw-run.1, ...).
func render() (map[string][]byte, error) {
	ios, _, _, _ := iostreams.Test()
	// Nothing version-specific goes into the pages: they would change with
	// every commit.
	rootCmd := root.NewCmdRoot(cmdutil.New(build.Info{Version: "dev"}, ios))
	// cobra adds these when the command runs; the pages should show them.
	rootCmd.InitDefaultHelpCmd()
	rootCmd.InitDefaultCompletionCmd()
	rootCmd.DisableAutoGenTag = true // its HISTORY line carries today's date
	escapeTree(rootCmd)

	pages := map[string][]byte{}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			if err := walk(sub); err != nil {
				return err
			}
		}
		date := pageDate
		header := &doc.GenManHeader{Title: strings.ToUpper(strings.ReplaceAll(c.CommandPath(), " ", "-")),
			Section: "1", Date: &date, Source: "coreclaw", Manual: "coreclaw manual"}
		var b bytes.Buffer
		if err := doc.GenMan(c, header, &b); err != nil {
			return err
		}
		page := b.Bytes()
		if !c.HasParent() {
			page = withTopics(page)
		}
		pages[strings.ReplaceAll(c.CommandPath(), " ", "-")+".1"] = page
		return nil
	}
	if err := walk(rootCmd); err != nil {
		return nil, err
	}
	return pages, nil
}

// escapeTree keeps the "<command>" and "<path>" of the help texts: cobra
// hands them to a Markdown renderer, which takes them for HTML tags and
// drops them. Examples are code blocks and need no escaping.
func escapeTree(c *cobra.Command) {
	name, rest, _ := strings.Cut(c.Use, " ")
	if rest != "" {
		c.Use = name + " " + escapeAngles(rest)
	}
	c.Short = escapeAngles(c.Short)
	c.Long = escapeAngles(c.Long)
	c.LocalFlags().VisitAll(func(f *pflag.Flag) { f.Usage = escapeAngles(f.Usage) })
	for _, sub := range c.Commands() {
		escapeTree(sub)
	}
}

// escapeAngles backslash-escapes "<" outside code: `code spans` and
// indented code blocks show text as it is, backslashes included.
func escapeAngles(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "    ") {
			continue
		}
		parts := strings.Split(line, "`")
		for j := 0; j < len(parts); j += 2 {
			parts[j] = strings.ReplaceAll(parts[j], "<", `\<`)
		}
		lines[i] = strings.Join(parts, "`")
	}
	return strings.Join(lines, "")
}

// withTopics adds the environment and the exit codes (`coreclaw help
// environment` and `coreclaw help exit-codes`, help topics that get no
// page of their own) to the main page, before SEE ALSO.
func withTopics(page []byte) []byte {
	section := ".SH ENVIRONMENT\n.nf\n" + roffText(root.EnvironmentHelp()) + ".fi\n\n" +
		".SH EXIT STATUS\n.nf\n" + roffText(cmdutil.ExitCodesHelp) + ".fi\n\n"
	if i := bytes.Index(page, []byte(".SH SEE ALSO")); i >= 0 {
		return append(page[:i:i], append([]byte(section), page[i:]...)...)
	}
	return append(page, section...)
}

// roffText escapes plain text for roff: backslashes, and the control
// characters . and ' at the start of a line.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "")
}
