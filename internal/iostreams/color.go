package iostreams

import "github.com/fatih/color"

// ColorScheme paints text for one stream. It never touches fatih/color's
// package-level switch: each colour is enabled or disabled on its own.
type ColorScheme struct {
	enabled bool
	green   *color.Color
	red     *color.Color
	yellow  *color.Color
	cyan    *color.Color
	gray    *color.Color
	bold    *color.Color
}

// NewColorScheme returns a scheme that paints only when enabled.
func NewColorScheme(enabled bool) *ColorScheme {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &ColorScheme{
		enabled: enabled,
		green:   mk(color.FgGreen),
		red:     mk(color.FgRed),
		yellow:  mk(color.FgYellow),
		cyan:    mk(color.FgCyan),
		gray:    mk(color.FgHiBlack),
		bold:    mk(color.Bold),
	}
}

// Stderr returns the colour scheme for stderr.
func (s *IOStreams) Stderr() *ColorScheme { return NewColorScheme(s.ColorEnabledStderr()) }

// Stdout returns the colour scheme for stdout.
func (s *IOStreams) Stdout() *ColorScheme { return NewColorScheme(s.ColorEnabledStdout()) }

func (c *ColorScheme) Enabled() bool          { return c.enabled }
func (c *ColorScheme) Green(s string) string  { return c.green.Sprint(s) }
func (c *ColorScheme) Red(s string) string    { return c.red.Sprint(s) }
func (c *ColorScheme) Yellow(s string) string { return c.yellow.Sprint(s) }
func (c *ColorScheme) Cyan(s string) string   { return c.cyan.Sprint(s) }
func (c *ColorScheme) Gray(s string) string   { return c.gray.Sprint(s) }
func (c *ColorScheme) Bold(s string) string   { return c.bold.Sprint(s) }

// SuccessIcon, FailureIcon and WarningIcon are the marks used in summaries
// and doctor checks.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }
func (c *ColorScheme) FailureIcon() string { return c.Red("✗") }
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }
