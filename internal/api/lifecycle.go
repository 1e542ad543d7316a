package api

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ExportFormats are the formats the export endpoint produces (REFERENCE §12).
func ExportFormats() []string {
	return []string{"csv", "json", "jsonl", "xlsx", "xls", "xml", "html", "rss"}
}

// ParseExportFormat checks an export format; the API takes any case, and
// lower case is sent.
func ParseExportFormat(s string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(s))
	for _, known := range ExportFormats() {
		if f == known {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown export format %q: use %s", s, strings.Join(ExportFormats(), ", "))
}

// ExportLink asks for a download link to all of a run's results in a
// format, optionally keeping only some result keys (headers[].key).
func (c *Client) ExportLink(ctx context.Context, ref RunRef, format string, fields []string) (string, error) {
	q := url.Values{"format": {format}}
	if len(fields) > 0 {
		q.Set("filter_keys", strings.Join(fields, ","))
	}
	var out struct {
		DownloadURL string `json:"download_url"`
	}
	path := ref.exportPath()
	if err := c.do(ctx, call{method: "GET", path: path, query: q}, &out); err != nil {
		return "", err
	}
	if out.DownloadURL == "" {
		return "", &ReplyError{Op: "GET " + path, Err: errors.New("no download_url in the reply")}
	}
	return out.DownloadURL, nil
}

// RerunRequest is the body of POST .../rerun (RerunRequest in the spec):
// only these four fields are allowed.
type RerunRequest struct {
	IsAsync     bool   `json:"is_async"`
	CallbackURL string `json:"callback_url,omitempty"`
	Limit       int    `json:"limit,omitempty"`
	Offset      int    `json:"offset,omitempty"`
}

// Rerun starts a new run with the input of an earlier one and returns the
// new run's slug (and, for a synchronous rerun, how far it got). Like
// every run-creating request it is never repeated unless the reply proves
// that no run was created.
func (c *Client) Rerun(ctx context.Context, ref RunRef, req RerunRequest) (*StartedRun, error) {
	return c.start(ctx, rerunCall(ref, req))
}

// PrepareRerun renders a rerun request without sending it (--dry-run).
func (c *Client) PrepareRerun(ref RunRef, req RerunRequest) (*PreparedRequest, error) {
	return c.prepare(rerunCall(ref, req))
}

func rerunCall(ref RunRef, req RerunRequest) call {
	return call{method: "POST", path: ref.base() + "/rerun", body: req, retry: retryCreates, sync: !req.IsAsync}
}
