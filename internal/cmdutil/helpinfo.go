package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// What the help of a command shows besides cobra's own fields. They are
// annotations, so that a command says it where it is built and the help
// (cmd/root) reads it in one place.
const (
	flagOrderAnnotation = "coreclaw/flag-order"
	topicAnnotation     = "coreclaw/topic"
	seeAlsoAnnotation   = "coreclaw/see-also"
)

// OrderFlags lists the flags that the help shows first, most used first;
// the others follow in alphabetical order, -h/--help last. A name cmd
// does not have is skipped (a flag some callers add and others not).
func OrderFlags(cmd *cobra.Command, names ...string) {
	annotate(cmd, flagOrderAnnotation, strings.Join(names, " "))
}

// FlagOrder is the order OrderFlags gave cmd.
func FlagOrder(cmd *cobra.Command) []string {
	return strings.Fields(cmd.Annotations[flagOrderAnnotation])
}

// MarkHelpTopic lists cmd among `coreclaw help`'s help topics with this
// description, and puts its long text first in its help: the text is
// what one reads it for (the `input` group is also the input topic).
func MarkHelpTopic(cmd *cobra.Command, description string) {
	annotate(cmd, topicAnnotation, description)
}

// HelpTopic is the description MarkHelpTopic gave cmd, or "".
func HelpTopic(cmd *cobra.Command) string { return cmd.Annotations[topicAnnotation] }

// SeeTopics ends cmd's help with pointers to these help topics (input,
// exit-codes, environment), each with its description.
func SeeTopics(cmd *cobra.Command, topics ...string) {
	annotate(cmd, seeAlsoAnnotation, strings.Join(topics, " "))
}

// SeeAlso is the topics SeeTopics gave cmd.
func SeeAlso(cmd *cobra.Command) []string {
	return strings.Fields(cmd.Annotations[seeAlsoAnnotation])
}

// IsGroup reports a command that only groups subcommands (SetUpGroups).
func IsGroup(cmd *cobra.Command) bool { return cmd.Annotations[groupAnnotation] == "true" }

func annotate(cmd *cobra.Command, key, value string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[key] = value
}
