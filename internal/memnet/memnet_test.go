package memnet

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// TestHTTPOnTheBubblesClock: a server that answers after an hour and a
// client that gives up after a second, in a bubble: the client's timeout
// fires at one second of the bubble's clock, and no real time passes.
func TestHTTPOnTheBubblesClock(t *testing.T) {
	began := time.Now()
	synctest.Test(t, func(t *testing.T) {
		nw := New()
		ln, err := nw.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				select {
				case <-time.After(time.Hour):
				case <-r.Context().Done():
					return
				}
			}
			io.WriteString(w, "hello from "+r.Host)
		})}
		go srv.Serve(ln)
		defer srv.Close()
		transport := &http.Transport{DialContext: nw.DialContext}
		defer transport.CloseIdleConnections()
		client := &http.Client{Transport: transport, Timeout: time.Second}

		resp, err := client.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := "hello from " + ln.Addr().String(); string(body) != want {
			t.Errorf("body %q, want %q", body, want)
		}

		start := time.Now()
		_, err = client.Get("http://" + ln.Addr().String() + "/slow")
		if err == nil || !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
			t.Fatalf("error %v, want a timeout", err)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("the timeout fired after %s of the bubble's clock, want 1s", took)
		}
	})
	if took := time.Since(began); took > 30*time.Second {
		t.Errorf("an hour's handler held the test for %s of real time", took)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestDialAndListen(t *testing.T) {
	nw := New()
	if _, err := nw.DialContext(context.Background(), "tcp", "127.0.0.1:80"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dialling nobody: %v, want connection refused", err)
	}
	ln, err := nw.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if ln.Addr().String() != "127.0.0.1:8080" {
		t.Errorf("address %s", ln.Addr())
	}
	if _, err := nw.Listen("tcp", "127.0.0.1:8080"); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("a second listener on the address: %v, want address in use", err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	c, err := nw.DialContext(context.Background(), "tcp", "127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if c.RemoteAddr().String() != "127.0.0.1:8080" || s.LocalAddr().String() != "127.0.0.1:8080" ||
		s.RemoteAddr().String() != c.LocalAddr().String() {
		t.Errorf("addresses: client %s→%s, server %s→%s", c.LocalAddr(), c.RemoteAddr(), s.LocalAddr(), s.RemoteAddr())
	}
	go c.Write([]byte("ping"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(s, buf); err != nil || string(buf) != "ping" {
		t.Errorf("read %q, %v", buf, err)
	}
	c.Close()
	s.Close()
	if err := ln.Close(); err != nil {
		t.Error(err)
	}
	if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("closing twice: %v", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("accepting after close: %v", err)
	}
	if _, err := nw.DialContext(context.Background(), "tcp", "127.0.0.1:8080"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dialling a closed listener: %v", err)
	}
	if _, err := nw.Listen("tcp", "127.0.0.1:8080"); err != nil {
		t.Errorf("the address is free again: %v", err)
	}
}
