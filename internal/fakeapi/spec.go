package fakeapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/coreclaw/coreclaw/internal/fakeapi/openapi"
)

// SpecEnv names the environment variable that points at another copy of
// openapi.json; without it the copy embedded in the binary is used.
const SpecEnv = "CORECLAW_OPENAPI_SPEC"

// Spec is the upstream OpenAPI document, ready to check requests and
// replies against. It is read-only once loaded and may be shared.
type Spec struct {
	// Path says where the document came from: a file, or the embedded copy.
	Path   string
	doc    *openapi3.T
	router routers.Router
}

// DefaultSpec loads the spec the fake checks against: the file named by
// $CORECLAW_OPENAPI_SPEC (read through lookup) when it is set, else the
// copy embedded from internal/fakeapi/openapi.
func DefaultSpec(lookup func(string) (string, bool)) (*Spec, error) {
	if p, ok := lookup(SpecEnv); ok && p != "" {
		return LoadSpec(p)
	}
	return parseSpec(openapi.Document, "embedded openapi.json ("+openapi.Origin+")")
}

// LoadSpec reads and checks the OpenAPI document at path.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI spec: %w", err)
	}
	return parseSpec(data, path)
}

func parseSpec(data []byte, origin string) (*Spec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", origin, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI document: %w", origin, err)
	}
	// Match any host: the fake listens on loopback, not on the servers
	// the document lists.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", origin, err)
	}
	return &Spec{Path: origin, doc: doc, router: router}, nil
}

// route finds the spec operation for a request.
func (s *Spec) route(r *http.Request) (*routers.Route, map[string]string, error) {
	return s.router.FindRoute(r)
}

// ValidateRequest checks a request (whose body has been buffered and can be
// read again) against the operation it addresses. Authentication is checked
// by the fake itself, not here.
func (s *Spec) ValidateRequest(ctx context.Context, r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.route(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s is not an operation of the spec", r.Method, r.URL.Path)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         true,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return route, params, errors.New(firstLines(err.Error()))
	}
	if err := checkNoBody(route, r); err != nil {
		return route, params, err
	}
	return route, params, nil
}

// ErrUnexpectedBody marks a request that carries a body (or a
// Content-Type) to an operation whose spec defines none, such as abort.
// kin-openapi lets it through; a spec-strict server answers 422/11000
// (REFERENCE §8.5).
var ErrUnexpectedBody = errors.New("the operation defines no request body")

// checkNoBody reads the (buffered) body of a request to an operation
// without a requestBody and refuses any content or Content-Type.
func checkNoBody(route *routers.Route, r *http.Request) error {
	if route.Operation == nil || route.Operation.RequestBody != nil {
		return nil
	}
	var n int
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		n = len(b)
	}
	ct := r.Header.Get("Content-Type")
	if n == 0 && ct == "" {
		return nil
	}
	return fmt.Errorf("%w, but the request has %d body bytes and Content-Type %q", ErrUnexpectedBody, n, ct)
}

// ValidateResponse checks one of the fake's own replies, so that the fake
// cannot drift from what the spec promises clients.
func (s *Spec) ValidateResponse(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string, status int, header http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return errors.New(firstLines(err.Error()))
	}
	return nil
}

// firstLines keeps the informative head of a kin-openapi error, which
// otherwise goes on to print the whole schema.
func firstLines(s string) string {
	lines := strings.Split(s, "\n")
	var keep []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Schema:") || strings.HasPrefix(l, "Value:") {
			break
		}
		if strings.TrimSpace(l) != "" {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, " | ")
}
