// Package memnet is a network in memory, for tests that run in a
// testing/synctest bubble. A bubble's clock moves only when every goroutine
// in it is blocked on something the bubble controls: a goroutine reading a
// socket keeps the clock still, one reading an in-memory pipe does not. On
// this network the fake API's delays and the client's timeouts play out on
// the bubble's clock, so that a timeout fires because the test says so,
// never because the machine happened to be slow.
package memnet

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"
)

// Network holds listeners by address. The zero value is not usable: call New.
type Network struct {
	mu        sync.Mutex
	listeners map[string]*listener
	nextPort  int
}

// New returns an empty network.
func New() *Network {
	return &Network{listeners: map[string]*listener{}, nextPort: 40000}
}

// Listen listens on a loopback address of the network, host:port; port 0
// picks a free one. network must be "tcp".
func (n *Network) Listen(network, address string) (net.Listener, error) {
	if network != "tcp" {
		return nil, fmt.Errorf("memnet: network %q is not tcp", network)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, fmt.Errorf("memnet: %q is not an IP address", host)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, err
	}
	if p == 0 {
		n.nextPort++
		p = n.nextPort
	}
	addr := &net.TCPAddr{IP: ip, Port: p}
	if _, taken := n.listeners[addr.String()]; taken {
		return nil, &net.OpError{Op: "listen", Net: "tcp", Addr: addr, Err: syscall.EADDRINUSE}
	}
	l := &listener{net: n, addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
	n.listeners[addr.String()] = l
	return l, nil
}

// DialContext connects to a listener of the network, as net.Dialer's
// method of the same name does (for http.Transport.DialContext). An
// address nobody listens on refuses the connection.
func (n *Network) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[address]
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	if l == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	n.mu.Lock()
	n.nextPort++
	local := &net.TCPAddr{IP: l.addr.IP, Port: n.nextPort}
	n.mu.Unlock()
	select {
	case l.conns <- &conn{Conn: server, local: l.addr, remote: local}:
		return &conn{Conn: client, local: local, remote: l.addr}, nil
	case <-l.done:
		return nil, refused
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type listener struct {
	net   *Network
	addr  *net.TCPAddr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	closed := false
	l.once.Do(func() {
		close(l.done)
		l.net.mu.Lock()
		delete(l.net.listeners, l.addr.String())
		l.net.mu.Unlock()
		closed = true
	})
	if !closed {
		return net.ErrClosed
	}
	return nil
}

func (l *listener) Addr() net.Addr { return l.addr }

// conn is one end of a pipe with the addresses a TCP connection would have.
type conn struct {
	net.Conn
	local, remote net.Addr
}

func (c *conn) LocalAddr() net.Addr  { return c.local }
func (c *conn) RemoteAddr() net.Addr { return c.remote }
