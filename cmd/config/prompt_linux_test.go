//go:build linux

package config

import (
	"context"
	"os"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/term"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	cfg "github.com/coreclaw/coreclaw/internal/config"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// openPTY opens a pseudo-terminal and returns its two ends.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("naming the pseudo-terminal: %v", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return ptmx, tty
}

// TestPromptInterruptRestoresTheTerminal: Ctrl-C while the key is typed
// without echo ends the prompt at once, and the terminal gets its echo
// back (the read it was blocked in would never have restored it).
func TestPromptInterruptRestoresTheTerminal(t *testing.T) {
	_, tty := openPTY(t)
	fd := int(tty.Fd())
	before, err := term.GetState(fd)
	if err != nil {
		t.Skipf("not a terminal: %v", err)
	}
	ios, _, _, stderr := iostreams.Test()
	ios.In = tty
	ios.SetTTY(true, false, false)
	key, _ := cfg.LookupKey(cfg.KeyAPIKey)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Interrupt once the prompt has turned echo off.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if now, err := term.GetState(fd); err == nil && !reflect.DeepEqual(now, before) {
				break
			}
		}
		cancel()
	}()
	_, err = readValue(ctx, ios, key)
	if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted || err.Error() != "interrupted while reading the api_key; nothing was stored" {
		t.Fatalf("exit %d, %v", cmdutil.ExitCode(err), err)
	}
	if got := stderr.String(); got != "Paste the api_key and press Enter: \n" {
		t.Errorf("stderr %q", got)
	}
	after, err := term.GetState(fd)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("the terminal was left changed (echo off): %v", err)
	}
}
