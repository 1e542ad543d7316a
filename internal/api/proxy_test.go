package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestProxyFromEnv(t *testing.T) {
	target, _ := url.Parse("https://openapi.coreclaw.com/api/v2/users/account")
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"none", map[string]string{}, ""},
		{"HTTPS_PROXY", map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128"}, "http://proxy.corp:3128"},
		{"lower case", map[string]string{"https_proxy": "http://proxy.corp:3128"}, "http://proxy.corp:3128"},
		{"HTTP_PROXY is not for https", map[string]string{"HTTP_PROXY": "http://proxy.corp:3128"}, ""},
		{"NO_PROXY matches", map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "coreclaw.com"}, ""},
		{"NO_PROXY elsewhere", map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "example.com"}, "http://proxy.corp:3128"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ProxyFromEnv(envOf(c.env))(target)
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			if got != nil {
				s = got.String()
			}
			if s != c.want {
				t.Fatalf("proxy %q, want %q", s, c.want)
			}
		})
	}
}

// TestRequestsGoThroughTheProxy: with HTTPS_PROXY set, the client asks the
// proxy for a tunnel to the API host, and the key is not in that request.
func TestRequestsGoThroughTheProxy(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Clone(context.Background()))
		mu.Unlock()
		http.Error(w, "no tunnels here", http.StatusForbidden)
	}))
	defer proxy.Close()

	c, err := New(Options{
		BaseURL: "https://openapi.coreclaw.com",
		APIKey:  "cc_secret_key_123456",
		Proxy:   ProxyFromEnv(envOf(map[string]string{"HTTPS_PROXY": proxy.URL})),
		Retry:   NoRetries(),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRun(context.Background(), RunRef{Slug: "01ABC"})
	if err == nil {
		t.Fatal("expected an error from the refusing proxy")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 {
		t.Fatalf("proxy saw %d requests, want 1", len(seen))
	}
	r := seen[0]
	if r.Method != http.MethodConnect || r.Host != "openapi.coreclaw.com:443" {
		t.Fatalf("proxy saw %s %s, want CONNECT openapi.coreclaw.com:443", r.Method, r.Host)
	}
	for k, v := range r.Header {
		if strings.Contains(strings.Join(v, " "), "cc_secret_key_123456") || strings.EqualFold(k, "Authorization") {
			t.Fatalf("the key reached the proxy in %s", k)
		}
	}
}
