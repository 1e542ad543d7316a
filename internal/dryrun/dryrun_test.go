package dryrun

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

const key = "cc_live_secret_0123456789"

func prepared(t *testing.T, apiKey string) *api.PreparedRequest {
	t.Helper()
	c, err := api.New(api.Options{BaseURL: "https://api.example", APIKey: apiKey, UserAgent: "coreclaw/test"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.PrepareStartRun("o~w", api.RunRequest{
		Input:   json.RawMessage(`{"parameters":{"custom":{"q":"<a&b>","n":1.50}}}`),
		IsAsync: true, Version: "v1",
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The body is shown byte for byte as it would go on the wire: the client's
// encoder escapes <, > and & (the same JSON value).
func TestPrint(t *testing.T) {
	tests := []struct {
		name   string
		flags  output.Flags
		apiKey string
		out    string
		errOut string
		err    string
	}{
		{name: "text", apiKey: key, out: `POST https://api.example/api/v2/workers/o~w/runs
Accept: application/json
Authorization: Bearer [REDACTED]
Content-Type: application/json
User-Agent: coreclaw/test

{
  "input": {
    "parameters": {
      "custom": {
        "q": "<a&b>",
        "n": 1.50
      }
    }
  },
  "is_async": true,
  "version": "v1"
}
`},
		{name: "table is text", apiKey: key, flags: output.Flags{Output: "table"}, out: "POST https://api.example/api/v2/workers/o~w/runs\n"},
		{name: "jsonl", apiKey: key, flags: output.Flags{Output: "jsonl"},
			out: `{"method":"POST","url":"https://api.example/api/v2/workers/o~w/runs","headers":{"Accept":"application/json","Authorization":"Bearer [REDACTED]","Content-Type":"application/json","User-Agent":"coreclaw/test"},"body":{"input":{"parameters":{"custom":{"q":"<a&b>","n":1.50}}},"is_async":true,"version":"v1"}}` + "\n"},
		{name: "jq", apiKey: key, flags: output.Flags{JQ: ".headers.Authorization"}, out: "Bearer [REDACTED]\n"},
		{name: "no key", flags: output.Flags{JQ: ".headers | keys | join(\",\")"}, out: "Accept,Content-Type,User-Agent\n",
			errOut: "warning: no API key is configured: the real request would be refused before anything is sent (exit 4)\n"},
		{name: "csv", apiKey: key, flags: output.Flags{Output: "csv"}, err: "--dry-run prints text, or JSON with -o json or -o jsonl; not -o csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			p, err := tt.flags.Printer(ios)
			if err != nil {
				t.Fatal(err)
			}
			err = Print(context.Background(), ios, tt.flags, p, prepared(t, tt.apiKey))
			if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			got := out.String()
			if tt.name == "table is text" {
				got, _, _ = strings.Cut(got, "Accept")
			}
			if got != tt.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.out)
			}
			if errOut.String() != tt.errOut {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.errOut)
			}
			if strings.Contains(out.String()+errOut.String(), key) {
				t.Error("the key was printed")
			}
		})
	}
}
