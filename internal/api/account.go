package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Account is the data of GET /users/account (REFERENCE §8.2).
type Account struct {
	Balance             Text  `json:"balance"`               // USD, a numeric string
	BalanceExpirationAt Int64 `json:"balance_expiration_at"` // Unix seconds; 0: none
}

// Account reads the balance; it is also the cheapest check that the key
// works.
func (c *Client) Account(ctx context.Context) (*Account, error) {
	var out Account
	if err := c.do(ctx, call{method: "GET", path: "/api/v2/users/account"}, &out); err != nil {
		return nil, err
	}
	if out.Balance == "" {
		return nil, &ReplyError{Op: "GET /api/v2/users/account", Err: errors.New("no balance in the reply")}
	}
	return &out, nil
}

// Ping is what one light request says about the way to the API.
type Ping struct {
	Latency time.Duration // request sent → reply read, by the client's clock
	At      time.Time     // when the reply was read, by the client's clock
	Date    time.Time     // the reply's Date header; zero when it has none
}

// Ping asks the public Store for one entry, once and without retries (a
// diagnosis should see faults, not ride them out), and times it. It needs
// no key.
func (c *Client) Ping(ctx context.Context) (*Ping, error) {
	var header http.Header
	start := c.now()
	err := c.do(ctx, call{method: "GET", path: "/api/v2/store", query: url.Values{"offset": {"1"}, "limit": {"1"}},
		public: true, retry: retryNever, header: &header}, nil)
	end := c.now()
	if err != nil {
		return nil, err
	}
	p := &Ping{Latency: end.Sub(start), At: end}
	if d, err := http.ParseTime(header.Get("Date")); err == nil {
		p.Date = d
	}
	return p, nil
}
