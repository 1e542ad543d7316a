package api

import (
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// ProxyFromEnv reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case)
// through lookup, as Go's own transport does from the process environment,
// but at the moment it is called and from an injectable source.
func ProxyFromEnv(lookup func(string) (string, bool)) func(*url.URL) (*url.URL, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v, ok := lookup(n); ok && v != "" {
				return v
			}
		}
		return ""
	}
	cfg := &httpproxy.Config{
		HTTPProxy:  get("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: get("HTTPS_PROXY", "https_proxy"),
		NoProxy:    get("NO_PROXY", "no_proxy"),
	}
	return cfg.ProxyFunc()
}
