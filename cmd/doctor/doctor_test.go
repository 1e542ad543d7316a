package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestProxyCheck(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		base string
		ok   bool
		want string
	}{
		{"none", nil, "https://openapi.coreclaw.com", true,
			"none (HTTPS_PROXY, HTTP_PROXY and NO_PROXY are not set)"},
		{"through a proxy, credentials hidden", map[string]string{"HTTPS_PROXY": "http://alice:s3cret@proxy.corp:3128"}, "https://openapi.coreclaw.com", true,
			"the API (openapi.coreclaw.com) is reached through http://[REDACTED]@proxy.corp:3128; HTTPS_PROXY=http://[REDACTED]@proxy.corp:3128"},
		{"lower case, no scheme", map[string]string{"https_proxy": "proxy.corp:8080"}, "https://openapi.coreclaw.com", true,
			"the API (openapi.coreclaw.com) is reached through http://proxy.corp:8080; https_proxy=http://proxy.corp:8080"},
		{"NO_PROXY matches the API", map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": ".coreclaw.com"}, "https://openapi.coreclaw.com", true,
			"the API (openapi.coreclaw.com) is reached directly; HTTPS_PROXY=http://proxy.corp:3128, NO_PROXY=.coreclaw.com"},
		{"HTTP_PROXY is not for https", map[string]string{"HTTP_PROXY": "http://proxy.corp:3128"}, "https://openapi.coreclaw.com", true,
			"the API (openapi.coreclaw.com) is reached directly; HTTP_PROXY=http://proxy.corp:3128"},
		{"loopback is never proxied", map[string]string{"HTTP_PROXY": "http://proxy.corp:3128"}, "http://127.0.0.1:8080", true,
			"the API (127.0.0.1:8080) is reached directly; HTTP_PROXY=http://proxy.corp:3128"},
		{"not a URL", map[string]string{"HTTPS_PROXY": "http://[::1"}, "https://openapi.coreclaw.com", false,
			"HTTPS_PROXY is not a proxy URL"},
	} {
		got := proxyCheck(env(c.env), c.base)
		if got.OK != c.ok || got.Detail != c.want {
			t.Errorf("%s: got %v %q\nwant %v %q", c.name, got.OK, got.Detail, c.ok, c.want)
		}
	}
}

func TestClockCheck(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 0, 0, 700_000_000, time.UTC)
	for _, c := range []struct {
		date time.Time
		ok   bool
		want string
	}{
		{at.Truncate(time.Second), true, "in step with the API's"},
		{at.Add(-2 * time.Second), true, "in step with the API's"},
		{at.Add(90 * time.Second), true, "1m30s behind the API's"},
		{at.Add(-5 * time.Minute), true, "5m0s ahead of the API's"},
		{at.Add(5*time.Minute + 2*time.Second), false, "5m2s behind the API's (more than 5m0s): set the system clock (NTP)"},
		{at.Add(-2 * time.Hour), false, "2h0m0s ahead of the API's (more than 5m0s): set the system clock (NTP)"},
		{time.Time{}, true, "not checked: the API's reply had no Date header"},
	} {
		got := clockCheck(&api.Ping{At: at, Date: c.date}, nil)
		if got.OK != c.ok || got.Detail != c.want {
			t.Errorf("Date %s: got %v %q, want %v %q", c.date, got.OK, got.Detail, c.ok, c.want)
		}
	}
	if got := clockCheck(nil, errors.New("refused")); got.OK || got.Detail != "not checked: the API did not answer" {
		t.Errorf("no reply: %+v", got)
	}
}

type fakeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (f fakeInfo) Mode() fs.FileMode { return f.mode }

func TestConfigFileMode(t *testing.T) {
	for _, c := range []struct {
		mode fs.FileMode
		goos string
		err  error
		ok   bool
	}{
		{0o600, "linux", nil, true},
		{0o400, "linux", nil, true},
		{0o640, "linux", nil, false},
		{0o604, "darwin", nil, false},
		{0o666, "windows", nil, true},
		{0, "linux", fs.ErrNotExist, true},
		{0, "linux", fs.ErrPermission, false},
	} {
		opts := &Options{GOOS: c.goos, Stat: func(string) (fs.FileInfo, error) {
			if c.err != nil {
				return nil, c.err
			}
			return fakeInfo{mode: c.mode}, nil
		}}
		if got := statCheck(opts, "/home/u/.config/coreclaw/config.yaml"); got.OK != c.ok {
			t.Errorf("mode %04o on %s (err %v): %+v", c.mode, c.goos, c.err, got)
		}
	}
}

func TestConfigDirMode(t *testing.T) {
	for _, c := range []struct {
		mode fs.FileMode
		goos string
		err  error
		ok   bool
	}{
		{fs.ModeDir | 0o700, "linux", nil, true},
		{fs.ModeDir | 0o500, "linux", nil, true},
		{fs.ModeDir | 0o750, "linux", nil, false},
		{fs.ModeDir | 0o755, "darwin", nil, false},
		{fs.ModeDir | 0o777, "windows", nil, true},
		{0, "linux", fs.ErrNotExist, true},
	} {
		opts := &Options{GOOS: c.goos, Stat: func(string) (fs.FileInfo, error) {
			if c.err != nil {
				return nil, c.err
			}
			return fakeInfo{mode: c.mode}, nil
		}}
		got := dirCheck(opts, "/home/u/.config/coreclaw")
		if got.OK != c.ok {
			t.Errorf("mode %s on %s (err %v): %+v", c.mode, c.goos, c.err, got)
		}
		if !got.OK && got.Detail != "directory /home/u/.config/coreclaw is open to other users (mode "+fmt.Sprintf("%04o", c.mode.Perm())+"): run `chmod 700 /home/u/.config/coreclaw`" {
			t.Errorf("detail %q", got.Detail)
		}
	}
}
