// Command coreclaw is the command-line client for CoreClaw Workers.
package main

import (
	"os"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/build"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version string
	commit  string
	date    string
)

func main() {
	os.Exit(cmd.Main(build.Info{Version: version, Commit: commit, Date: date}))
}
