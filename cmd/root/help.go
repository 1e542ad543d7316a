package root

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// The help of every command, in the order a reader needs it: what the
// command does in one line, how to call it, its subcommands (by group),
// its flags (most used first), examples, then the long explanation and
// the help topics that go further. Usage is always on the first screen,
// however long the explanation.

// commandGroup is a group of the root's commands.
type commandGroup struct {
	id, title string
	commands  []string
}

// commandGroups are the root's groups, in the order `coreclaw help` lists
// them; the commands of a group are listed in this order too.
func commandGroups() []commandGroup {
	return []commandGroup{
		{"core", "Core commands", []string{"run", "wait", "status", "results", "logs"}},
		{"runs", "Runs and tasks", []string{"abort", "rerun", "export", "runs", "tasks", "task", "queue", "batch", "input"}},
		{"workers", "Workers and account", []string{"workers", "account"}},
		{"settings", "Settings and diagnostics", []string{"config", "doctor", "version", "completion", "help"}},
	}
}

// setUpHelp groups the root's commands and gives every command the help
// below. Call it once the tree is complete (help and completion included).
func setUpHelp(root *cobra.Command) {
	for _, g := range commandGroups() {
		root.AddGroup(&cobra.Group{ID: g.id, Title: g.title + ":"})
		for _, name := range g.commands {
			for _, c := range root.Commands() {
				if c.Name() == name {
					c.GroupID = g.id
				}
			}
		}
	}
	// cobra adds the help command when it runs.
	root.SetHelpCommandGroupID("settings")
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { writeHelp(c.OutOrStdout(), c) })
	root.SetUsageFunc(func(c *cobra.Command) error { writeHelp(c.OutOrStderr(), c); return nil })
}

// writeHelp writes c's help.
func writeHelp(w io.Writer, c *cobra.Command) {
	var b strings.Builder
	section := func(title, body string) {
		if body != "" {
			fmt.Fprintf(&b, "\n%s:\n%s", title, body)
		}
	}
	short := c.Short
	if short == "" {
		short = firstLine(c.Long)
	}
	b.WriteString(short + "\n")
	topic := cmdutil.HelpTopic(c) != ""
	if topic && c.Long != "" {
		b.WriteString("\n" + strings.TrimRight(c.Long, "\n") + "\n")
	}

	var usage string
	if c.Runnable() && !cmdutil.IsGroup(c) {
		usage += "  " + c.UseLine() + "\n"
	}
	if c.HasAvailableSubCommands() {
		usage += "  " + c.CommandPath() + " <command> [flags]\n"
	}
	section("Usage", usage)
	if len(c.Aliases) > 0 {
		section("Aliases", "  "+c.NameAndAliases()+"\n")
	}
	writeCommands(&b, c, section)

	section("Flags", flagUsages(c.LocalFlags(), cmdutil.FlagOrder(c)))
	section("Global Flags", flagUsages(c.InheritedFlags(), nil))
	if c.Example != "" {
		section("Examples", strings.TrimRight(c.Example, "\n")+"\n")
	}
	if !topic && c.Long != "" && c.Long != c.Short {
		section("Details", indent(strings.TrimRight(c.Long, "\n"))+"\n")
	}
	if !c.HasParent() {
		section("Help topics", topicList(c))
	}
	var more string
	if c.HasAvailableSubCommands() {
		more += fmt.Sprintf("  Use `%s <command> --help` for more about a command.\n", c.CommandPath())
	}
	for _, t := range cmdutil.SeeAlso(c) {
		if tc, _, err := c.Root().Find([]string{t}); err == nil && tc.Name() == t {
			more += fmt.Sprintf("  %-*s  %s\n", len("coreclaw help exit-codes"), "coreclaw help "+t, topicDescription(tc))
		}
	}
	section("Learn more", more)
	io.WriteString(w, b.String())
}

// writeCommands lists c's subcommands: by group where c has groups (the
// root), in the groups' order; otherwise alphabetically.
func writeCommands(b *strings.Builder, c *cobra.Command, section func(string, string)) {
	var subs []*cobra.Command
	width := 0
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() || sub.Name() == "help" && !sub.Hidden {
			subs = append(subs, sub)
			width = max(width, len(sub.Name()))
		}
	}
	line := func(sub *cobra.Command) string { return fmt.Sprintf("  %-*s  %s\n", width, sub.Name(), sub.Short) }
	if len(c.Groups()) == 0 {
		var body string
		for _, sub := range subs {
			body += line(sub)
		}
		section("Commands", body)
		return
	}
	var rest string
	listed := map[*cobra.Command]bool{}
	for _, g := range commandGroups() {
		var body string
		for _, name := range g.commands {
			for _, sub := range subs {
				if sub.Name() == name && sub.GroupID == g.id {
					body += line(sub)
					listed[sub] = true
				}
			}
		}
		section(g.title, body)
	}
	for _, sub := range subs {
		if !listed[sub] {
			rest += line(sub)
		}
	}
	section("Additional commands", rest)
}

// topicList is the help topics of the root: the commands that are only
// help text (exit-codes, environment) and the groups that are a topic as
// well (input), by name.
func topicList(root *cobra.Command) string {
	var topics []*cobra.Command
	width := 0
	for _, c := range root.Commands() {
		if c.IsAdditionalHelpTopicCommand() || cmdutil.HelpTopic(c) != "" {
			topics = append(topics, c)
			width = max(width, len(c.Name()))
		}
	}
	slices.SortFunc(topics, func(a, b *cobra.Command) int { return strings.Compare(a.Name(), b.Name()) })
	var out string
	for _, t := range topics {
		out += fmt.Sprintf("  %-*s  %s\n", width, t.Name(), topicDescription(t))
	}
	return out
}

func topicDescription(c *cobra.Command) string {
	if d := cmdutil.HelpTopic(c); d != "" {
		return d
	}
	return c.Short
}

// flagUsages is pflag's list of the flags in fs, those named in order
// first, then the others alphabetically, -h/--help last.
func flagUsages(fs *pflag.FlagSet, order []string) string {
	ordered := pflag.NewFlagSet("", pflag.ContinueOnError)
	ordered.SortFlags = false
	add := func(f *pflag.Flag) {
		if f != nil && !f.Hidden && ordered.Lookup(f.Name) == nil {
			ordered.AddFlag(f)
		}
	}
	for _, name := range order {
		add(fs.Lookup(name))
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" {
			add(f)
		}
	})
	add(fs.Lookup("help"))
	return ordered.FlagUsages()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
