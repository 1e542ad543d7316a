// Package scripttest holds the custom commands of the testscript scripts:
// `fake` controls the script's fake API (variants, faults, seeded runs,
// the requests it received), `code` and `bgcode` check exact exit codes,
// `perm` checks file modes, `mtime` ages files, `sigterm` signals
// background commands, and `mkfifo` and `fifo hold` make named pipes and
// hold one open without writing (a producer that has not finished).
package scripttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

type serverKey struct{}

// Attach makes srv the fake that the script's `fake` commands control.
func Attach(env *testscript.Env, srv *fakeapi.Server) {
	env.Values[serverKey{}] = srv
}

// Commands are the custom script commands.
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(*testscript.TestScript, bool, []string){
		"fake":    cmdFake,
		"sigterm": cmdSigterm,
		"code":    cmdCode,
		"bgcode":  cmdBgCode,
		"perm":    cmdPerm,
		"bytes":   cmdBytes,
		"mtime":   cmdMtime,
		"mkfifo":  cmdMkfifo,
		"fifo":    cmdFifo,
	}
}

const usage = `usage:
  fake set NAME=VALUE...          variants: statuses=int|string logs=string|object paging=page|row
                                  pageindex=on|off errmsg=on|off concurrency=N syncpolls=N abort=settles|stays
                                  skew=D date=on|off queueresults=on|off paging=ignore
                                  count=true|zero|over|off syncreply=full|slugonly
                                  workerpath=tilde|slash
                                  leakkey=on|off (failed runs' err_msg holds the key)
                                  hostile=on|off (run records carry controls, bidi, newlines)
                                  signed=on|off (download links carry a signed query)
                                  balance=N|off (N more starts, then 30001)
  fake fault METHOD PATH [status=N] [code=N] [times=N] [skip=N] [retry-after=V] [delay=D]
                                  [message=TEXT] [drop] [html] [truncate] [after] [slow=D]
                                  [data=JSON]   (data: a success reply with this data)
                                  [body=RAW] [redirect=URL]   (a raw reply body; a redirect)
                                  [qmessage=GO-QUOTED-TEXT] [echo=message,request-id,details,html,text]
                                  [echo-as=raw|base64|url]   (echo: repeat the request's Authorization)
                                  [gzip] (download host: the file gzip-compressed whatever was asked)
                                  [malformed] (a reply with a header line that is not a header)
  fake addrun WORKER STATUS [ROWS] [at=RFC3339] [n=N]   create N runs (created at a given
                                  moment); prints their slugs
  fake addqueued WORKER [waiting|inactive] [n=N]   put N items (default 1) in the Run Queue;
                                  prints their refs
  fake addtasks WORKER N           save N tasks of WORKER; prints their slugs
  fake addworkers N [store|own]    add N generated Workers to the catalogue
  fake requests [-body] [-auth] [-ua] [-host] [-ctype] [PATH-PREFIX]   print the requests
                                  received (-host: host=api or host=download, the fake's file
                                  host; -ctype: ctype=the Content-Type sent, or none)
  fake count [METHOD] PATH-PREFIX    print how many requests matched
  fake waitfor N [METHOD] PATH-PREFIX   block until N matching requests arrived (10s)
  fake reset                       forget the requests received
  fake key                         print the accepted API key`

func server(ts *testscript.TestScript) *fakeapi.Server {
	srv, _ := ts.Value(serverKey{}).(*fakeapi.Server)
	if srv == nil {
		ts.Fatalf("no fake API in this script")
	}
	return srv
}

func cmdFake(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fake")
	}
	if len(args) == 0 {
		ts.Fatalf("%s", usage)
	}
	srv := server(ts)
	switch args[0] {
	case "set":
		v := srv.Variants()
		for _, a := range args[1:] {
			ts.Check(setVariant(&v, a))
		}
		srv.SetVariants(v)
	case "fault":
		f, err := parseFault(args[1:])
		ts.Check(err)
		srv.AddFault(f)
	case "addrun":
		cmdAddRun(ts, srv, args[1:])
	case "addqueued":
		rest, n := countOption(ts, args[1:])
		if len(rest) < 1 || len(rest) > 2 {
			ts.Fatalf("usage: fake addqueued WORKER [waiting|inactive] [n=N]")
		}
		status := "waiting"
		if len(rest) == 2 {
			status = rest[1]
		}
		for i := 0; i < n; i++ {
			ref, err := srv.AddQueued(rest[0], status)
			ts.Check(err)
			fmt.Fprintln(ts.Stdout(), ref)
		}
	case "addtasks":
		if len(args) != 3 {
			ts.Fatalf("usage: fake addtasks WORKER N")
		}
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		slugs, err := srv.AddTasks(args[1], n)
		ts.Check(err)
		for _, s := range slugs {
			fmt.Fprintln(ts.Stdout(), s)
		}
	case "addworkers":
		if len(args) < 2 || len(args) > 3 || (len(args) == 3 && args[2] != "store" && args[2] != "own") {
			ts.Fatalf("usage: fake addworkers N [store|own]")
		}
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		srv.AddWorkers(n, len(args) == 3 && args[2] == "own")
	case "requests":
		// Take stdout even when nothing matches, so that `! stdout .`
		// checks this command's output, not the previous one's.
		out := ts.Stdout()
		withBody, withAuth, withUA, withHost, withCType := false, false, false, false, false
		prefix := ""
		for _, a := range args[1:] {
			switch a {
			case "-body":
				withBody = true
			case "-auth":
				withAuth = true
			case "-ua":
				withUA = true
			case "-host":
				withHost = true
			case "-ctype":
				withCType = true
			default:
				prefix = a
			}
		}
		for _, r := range srv.Requests() {
			if !strings.HasPrefix(r.Path, prefix) {
				continue
			}
			line := r.Line(withBody)
			if withAuth {
				line += " auth=" + authOf(r, srv.APIKey())
			}
			if withUA {
				line += " ua=" + r.UserAgent
			}
			if withHost {
				host := "api"
				if srv.IsDownloadRequest(r) {
					host = "download"
				}
				line += " host=" + host
			}
			if withCType {
				ct := r.ContentType
				if ct == "" {
					ct = "none"
				}
				line += " ctype=" + ct
			}
			fmt.Fprintln(out, line)
		}
	case "count":
		method, prefix := methodAndPrefix(ts, args[1:])
		fmt.Fprintln(ts.Stdout(), count(srv, method, prefix))
	case "waitfor":
		if len(args) < 3 {
			ts.Fatalf("usage: fake waitfor N [METHOD] PATH-PREFIX")
		}
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		method, prefix := methodAndPrefix(ts, args[2:])
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = srv.WaitFor(ctx, func(reqs []fakeapi.Request) bool { return countIn(reqs, method, prefix) >= n })
		if err != nil {
			ts.Fatalf("timed out waiting for %d requests to %s %s (got %d)", n, method, prefix, count(srv, method, prefix))
		}
	case "reset":
		srv.ResetRequests()
	case "key":
		fmt.Fprintln(ts.Stdout(), srv.APIKey())
	default:
		ts.Fatalf("unknown fake command %q\n%s", args[0], usage)
	}
}

// countOption takes an n=N option out of args (default 1).
func countOption(ts *testscript.TestScript, args []string) ([]string, int) {
	n := 1
	var rest []string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "n="); ok {
			var err error
			n, err = strconv.Atoi(v)
			ts.Check(err)
			continue
		}
		rest = append(rest, a)
	}
	return rest, n
}

// cmdAddRun is `fake addrun WORKER STATUS [ROWS] [at=RFC3339] [n=N]`.
func cmdAddRun(ts *testscript.TestScript, srv *fakeapi.Server, args []string) {
	const usage = "usage: fake addrun WORKER STATUS [ROWS] [at=RFC3339] [n=N]"
	var pos []string
	var at time.Time
	n := 1
	for _, a := range args {
		name, value, isOption := strings.Cut(a, "=")
		var err error
		switch {
		case !isOption:
			pos = append(pos, a)
		case name == "at":
			at, err = time.Parse(time.RFC3339, value)
		case name == "n":
			n, err = strconv.Atoi(value)
		default:
			ts.Fatalf("%s", usage)
		}
		ts.Check(err)
	}
	if len(pos) < 2 || len(pos) > 3 {
		ts.Fatalf("%s", usage)
	}
	rows := -1
	if len(pos) == 3 {
		var err error
		rows, err = strconv.Atoi(pos[2])
		ts.Check(err)
	}
	for i := 0; i < n; i++ {
		var slug string
		var err error
		if at.IsZero() {
			slug, err = srv.AddRun(pos[0], pos[1], rows)
		} else {
			slug, err = srv.AddRunAt(pos[0], pos[1], rows, at)
		}
		ts.Check(err)
		fmt.Fprintln(ts.Stdout(), slug)
	}
}

func methodAndPrefix(ts *testscript.TestScript, args []string) (string, string) {
	switch len(args) {
	case 1:
		return "", args[0]
	case 2:
		return args[0], args[1]
	}
	ts.Fatalf("expected [METHOD] PATH-PREFIX")
	return "", ""
}

func count(srv *fakeapi.Server, method, prefix string) int {
	return countIn(srv.Requests(), method, prefix)
}

func countIn(reqs []fakeapi.Request, method, prefix string) int {
	n := 0
	for _, r := range reqs {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// authOf says how a request authenticated, without printing the key.
func authOf(r fakeapi.Request, key string) string {
	switch {
	case r.Authorization == "" && r.APIKeyHeader == "":
		return "none"
	case r.Authorization == "Bearer "+key:
		return "bearer"
	default:
		return "other"
	}
}

func setVariant(v *fakeapi.Variants, a string) error {
	name, value, ok := strings.Cut(a, "=")
	if !ok {
		return fmt.Errorf("fake set: expected NAME=VALUE, got %q", a)
	}
	switch name {
	case "statuses":
		v.IntegerStatus = value == "int"
	case "logs":
		v.StringLogs = value == "string"
	case "paging":
		v.RowOffsetPaging = value == "row"
		v.IgnoreOffset = value == "ignore"
	case "pageindex":
		v.NoPageIndex = value == "off"
	case "errmsg":
		v.DetailNoErrMsg = value == "off"
	case "abort":
		v.AbortSettles = value == "settles"
	case "skew":
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("fake set skew: %v", err)
		}
		v.ClockSkew = d
	case "date":
		v.NoDateHeader = value == "off"
	case "queueresults":
		v.QueueNoResults = value == "off"
	case "count":
		switch value {
		case "true":
			v.Count = ""
		case "zero", "over", "off":
			v.Count = value
		default:
			return fmt.Errorf("fake set count: want true, zero, over or off, not %q", value)
		}
	case "syncreply":
		v.SyncSlugOnly = value == "slugonly"
	case "workerpath":
		v.WorkerPathSlash = value == "slash"
	case "leakkey":
		v.LeakKey = value == "on"
	case "hostile":
		v.Hostile = value == "on"
	case "signed":
		v.SignedLinks = value == "on"
	case "balance":
		if value == "off" {
			v.LimitedBalance, v.Balance = false, 0
			break
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Errorf("fake set balance: want a count of starts or off, not %q", value)
		}
		v.LimitedBalance, v.Balance = true, n
	case "concurrency", "syncpolls":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("fake set %s: %v", name, err)
		}
		if name == "concurrency" {
			v.ConcurrencyLimit = n
		} else {
			v.SyncPolls = n
		}
	default:
		return fmt.Errorf("fake set: unknown variant %q", name)
	}
	return nil
}

func parseFault(args []string) (fakeapi.Fault, error) {
	if len(args) < 2 {
		return fakeapi.Fault{}, fmt.Errorf("usage: fake fault METHOD PATH [options]")
	}
	f := fakeapi.Fault{Method: args[0], Path: args[1]}
	if f.Method == "*" {
		f.Method = ""
	}
	for _, a := range args[2:] {
		name, value, _ := strings.Cut(a, "=")
		var err error
		switch name {
		case "status":
			f.Status, err = strconv.Atoi(value)
		case "code":
			f.Code, err = strconv.Atoi(value)
		case "times":
			f.Times, err = strconv.Atoi(value)
		case "skip":
			f.Skip, err = strconv.Atoi(value)
		case "retry-after":
			f.RetryAfter = value
		case "message":
			f.Message = value
		case "delay":
			f.Delay, err = time.ParseDuration(value)
		case "slow":
			f.SlowBody, err = time.ParseDuration(value)
		case "drop":
			f.Drop = true
		case "html":
			f.HTML = true
		case "truncate":
			f.Truncate = true
		case "after":
			f.AfterHandling = true
		case "data":
			if !json.Valid([]byte(value)) {
				err = fmt.Errorf("not JSON: %s", value)
			}
			f.Data = value
		case "body":
			f.Raw, f.Body = true, value
		case "redirect":
			f.Redirect = value
		case "echo":
			f.Echo = strings.Split(value, ",")
		case "echo-as":
			f.EchoAs = value
		case "qmessage":
			f.Message, err = strconv.Unquote(value)
		case "gzip":
			f.Gzip = true
		case "malformed":
			f.Malformed = true
		default:
			return f, fmt.Errorf("fake fault: unknown option %q", a)
		}
		if err != nil {
			return f, fmt.Errorf("fake fault %s: %v", name, err)
		}
	}
	return f, nil
}

// cmdSigterm sends SIGTERM to the script's background commands.
func cmdSigterm(ts *testscript.TestScript, neg bool, args []string) {
	for _, c := range ts.BackgroundCmds() {
		if c.Process != nil {
			ts.Check(c.Process.Signal(syscall.SIGTERM))
		}
	}
}

// cmdCode runs a command like exec and checks its exact exit code:
//
//	code 3 coreclaw wait SLUG
func cmdCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: code N COMMAND [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	default:
		ts.Fatalf("running %s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// ExitFileEnv names the file where the test binary, acting as coreclaw,
// leaves its exit code.
const ExitFileEnv = "SCRIPTTEST_EXIT_FILE"

// cmdBgCode checks the exit code of the last coreclaw that ended, for a
// background command after `wait`: bgcode 130.
func cmdBgCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: bgcode N (after wait)")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	raw, err := os.ReadFile(ts.Getenv(ExitFileEnv))
	ts.Check(err)
	got, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	ts.Check(err)
	if got != want {
		ts.Fatalf("coreclaw exited with %d, want %d", got, want)
	}
}

// cmdPerm checks a file's permission bits: perm FILE 0600.
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm FILE MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	info, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	got := uint64(info.Mode().Perm())
	if (got == want) == neg {
		ts.Fatalf("%s has mode %04o; want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdMtime sets the modification time of files to AGE ago, to make cached
// entries look old: mtime 11m $HOME/.cache/coreclaw/input-schemas/*.json.
// Each pattern must match at least one file.
func cmdMtime(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mtime AGE GLOB...")
	}
	age, err := time.ParseDuration(args[0])
	ts.Check(err)
	when := time.Now().Add(-age)
	for _, pattern := range args[1:] {
		matches, err := filepath.Glob(ts.MkAbs(pattern))
		ts.Check(err)
		if len(matches) == 0 {
			ts.Fatalf("mtime: no file matches %s", pattern)
		}
		for _, m := range matches {
			ts.Check(os.Chtimes(m, when, when))
		}
	}
}

// cmdBytes writes a file from a Go-quoted string, repeated N times (for
// invalid UTF-8, control characters and very large inputs):
//
//	bytes bad.json '"{\"a\":\"\xff\"}"'
//	bytes big.json '" "' 52428800
func cmdBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: bytes FILE GO-QUOTED-STRING [REPEAT]")
	}
	s, err := strconv.Unquote(args[1])
	ts.Check(err)
	n := 1
	if len(args) == 3 {
		n, err = strconv.Atoi(args[2])
		ts.Check(err)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Repeat(s, n)), 0o644))
}
