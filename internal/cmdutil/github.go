package cmdutil

import "github.com/coreclaw/coreclaw/internal/ghactions"

// GitHubActions is the GitHub Actions step coreclaw runs in, or nil
// outside one. What it writes is redacted as the streams are.
func (f *Factory) GitHubActions() *ghactions.Env {
	return ghactions.Detect(f.LookupEnv, f.IOStreams.Redact)
}
