package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// PreparedRequest is a request as the client would send it, for --dry-run.
// It is built by the same code that sends requests, with credentials
// redacted, and it is never sent.
type PreparedRequest struct {
	Method string
	URL    string // never contains the key
	// Headers in the order they are printed (sorted by name).
	Headers []HeaderField
	// Body is the JSON body; nil when the request has none.
	Body json.RawMessage
	// HasKey reports whether the real request would carry the API key.
	HasKey bool
}

// HeaderField is one request header.
type HeaderField struct {
	Name  string
	Value string
}

// prepare renders a call without sending it. Credential headers are
// hidden the way --debug hides them; the key anywhere else (in the input,
// say) is redacted by the stream it is printed on.
func (c *Client) prepare(cl call) (*PreparedRequest, error) {
	body, err := encodeBody(cl)
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(context.Background(), cl, body)
	if err != nil {
		return nil, err
	}
	p := &PreparedRequest{Method: req.Method, URL: redactURL(req.URL), Body: body, HasKey: c.apiKey != ""}
	for _, name := range sortedKeys(req.Header) {
		value := strings.Join(req.Header[name], ", ")
		if isSensitiveHeader(name) {
			value = redactCredential(value)
		}
		p.Headers = append(p.Headers, HeaderField{Name: http.CanonicalHeaderKey(name), Value: value})
	}
	sort.SliceStable(p.Headers, func(i, j int) bool { return p.Headers[i].Name < p.Headers[j].Name })
	return p, nil
}
