package fakeapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// logWindow is how many recent entries a log reply holds: the API returns
// "only recent or summary entries" (REFERENCE §7.3), so a follower must
// cope with a window that slides.
const logWindow = 5

// logGroup is the subtask id every fake log entry carries.
const logGroup = "49763990997368832"

// lifecycleRoutes registers log, export, abort and rerun for a run, for
// the account's last run and for a Worker's last run.
func (s *Server) lifecycleRoutes(m *http.ServeMux) {
	for _, base := range []string{"/api/v2/worker-runs/{runId}", "/api/v2/worker-runs/last", "/api/v2/workers/{workerId}/runs/last"} {
		m.HandleFunc("GET "+base+"/log", s.handleLog)
		m.HandleFunc("POST "+base+"/abort", s.handleAbort)
		m.HandleFunc("POST "+base+"/rerun", s.handleRerun)
	}
	// The export path differs under /last (REFERENCE §8.7).
	m.HandleFunc("GET /api/v2/worker-runs/{runId}/result/export", s.handleExport)
	m.HandleFunc("GET /api/v2/worker-runs/last/export", s.handleExport)
	m.HandleFunc("GET /api/v2/workers/{workerId}/runs/last/export", s.handleExport)
}

// fakeLogEntry is one line of a run's log.
type fakeLogEntry struct {
	Type    int
	Content string
	At      time.Time
}

// logEntries is a run's whole log as far as it has got. Callers hold s.mu.
func (s *Server) logEntries(r *fakeRun) []fakeLogEntry {
	out := []fakeLogEntry{{2, "SYSTEM: Run created, waiting for a slot", r.Created}}
	if r.Started.IsZero() {
		return out
	}
	out = append(out,
		fakeLogEntry{2, fmt.Sprintf("SYSTEM: Starting %s %s", r.Worker.Path(), r.Version), r.Started},
		fakeLogEntry{1, "proxy region US, memory 1024 MB", r.Started.Add(100 * time.Millisecond)},
	)
	done := s.resultCount(r)
	step := 100 * time.Millisecond
	for i := 1; i <= done; i++ {
		at := r.Started.Add(time.Duration(i+1) * step)
		out = append(out, fakeLogEntry{2, fmt.Sprintf("Scraped item %d", i), at})
		if i == 1 {
			// Server text with terminal controls and a line break.
			out = append(out, fakeLogEntry{3, "\x1b[33mslow reply\x1b[0m from page 2\nretrying in 2s", at.Add(50 * time.Millisecond)})
		}
	}
	// The last line comes after the others even when the run's recorded
	// end is earlier (runs that progress by reads end "at once").
	end := r.Finished
	if last := r.Started.Add(time.Duration(done+2) * step); end.Before(last) {
		end = last
	}
	switch {
	case r.Aborted:
		out = append(out, fakeLogEntry{3, "SYSTEM: Abort requested", end})
	case r.Status == "failed" && s.variants.LeakKey:
		out = append(out, fakeLogEntry{4, "Error: " + s.leakyErrMsg(r.Worker.Scenario.ErrMsg), end})
	case r.Status == "failed" && s.variants.Hostile:
		out = append(out, fakeLogEntry{4, "Error: " + HostileError + "\u202e", end})
	case r.Status == "failed":
		out = append(out, fakeLogEntry{4, "Error: " + r.Worker.Scenario.ErrMsg, end})
	case r.Status == "succeeded":
		out = append(out, fakeLogEntry{2, fmt.Sprintf("SYSTEM: Finished with %d results", done), end})
	case final(r.Status) || (r.Status != "ready" && r.Status != "running"):
		out = append(out, fakeLogEntry{2, "SYSTEM: Status " + r.Status, end})
	}
	return out
}

// fullLog renders the whole log as the file behind all_logs_url.
func fullLog(entries []fakeLogEntry) []byte {
	var b bytes.Buffer
	names := map[int]string{1: "DEBUG", 2: "INFO", 3: "WARN", 4: "ERROR"}
	for _, e := range entries {
		fmt.Fprintf(&b, "%s [%s] %s\n", e.At.UTC().Format("2006-01-02 15:04:05.000"), names[e.Type], e.Content)
	}
	return b.Bytes()
}

func (s *Server) handleLog(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run, status, code, msg := s.findRun(r)
	if run == nil {
		s.mu.Unlock()
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.step(run, false)
	all := s.logEntries(run)
	recent := all
	if len(recent) > logWindow {
		recent = recent[len(recent)-logWindow:]
	}
	list := make([]any, 0, len(recent))
	for _, e := range recent {
		if s.variants.StringLogs {
			list = append(list, e.Content)
			continue
		}
		list = append(list, map[string]any{"type": e.Type, "group": logGroup, "content": e.Content, "timestamp": e.At.UnixMilli()})
	}
	data := map[string]any{
		"all_logs_url": s.addDownload("log-"+run.Slug, "txt", fullLog(all), "text/plain; charset=utf-8"),
		"list":         list,
		"result_count": s.resultCount(run),
	}
	s.mu.Unlock()
	s.writeOK(w, data)
}

func (s *Server) handleAbort(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run, status, code, msg := s.findRun(r)
	if run != nil {
		s.step(run, false)
		if final(run.Status) || run.Status == "aborting" {
			run, status, code, msg = nil, http.StatusBadRequest, 70002, "run operation failed: the run has already ended"
		} else {
			run.Aborted = true
			s.setStatus(run, "aborting", s.now())
		}
	}
	s.mu.Unlock()
	if run == nil {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.writeOK(w, nil)
}

// rerunBody is RerunRequest as the fake reads it.
type rerunBody struct {
	IsAsync     *bool  `json:"is_async"`
	CallbackURL string `json:"callback_url"`
	Limit       int    `json:"limit"`
	Offset      int    `json:"offset"`
}

func (s *Server) handleRerun(w http.ResponseWriter, r *http.Request) {
	var body rerunBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", []string{err.Error()})
		return
	}
	s.mu.Lock()
	src, status, code, msg := s.findRun(r)
	s.mu.Unlock()
	if src == nil {
		s.writeError(w, status, code, msg, nil)
		return
	}
	if status, code, msg := s.checkStart(src.Worker, src.Input, ""); status != 0 {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.mu.Lock()
	run := s.newRun(src.Worker, src.Input, src.Version, body.CallbackURL)
	run.Rows = src.Rows // the same input gives the same rows
	s.mu.Unlock()
	if body.IsAsync == nil || *body.IsAsync {
		s.writeOK(w, map[string]any{"run_slug": run.Slug})
		return
	}
	s.writeOK(w, s.syncReply(r.Context(), run, body.Limit, body.Offset, true))
}

// exportTypes are the content types of the export formats.
var exportTypes = map[string]string{
	"csv":   "text/csv; charset=utf-8",
	"json":  "application/json",
	"jsonl": "application/x-ndjson",
	"xlsx":  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"xls":   "application/vnd.ms-excel",
	"xml":   "application/xml",
	"html":  "text/html; charset=utf-8",
	"rss":   "application/rss+xml",
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	format := strings.ToLower(r.URL.Query().Get("format"))
	if format == "" {
		format = "csv"
	}
	var keep []string
	if fk := r.URL.Query().Get("filter_keys"); fk != "" {
		keep = strings.Split(fk, ",")
	}
	s.mu.Lock()
	run, status, code, msg := s.findRun(r)
	var link string
	if run != nil {
		s.step(run, false)
		n := s.resultCount(run)
		// An ended run's file is made once: a large one (the benchmarks'
		// 16 MiB) takes the fake longer to make than the client to fetch.
		key := fmt.Sprintf("%s|%d|%s|%s", run.Slug, n, format, strings.Join(keep, ","))
		body, cached := s.exports[key]
		if !cached {
			body = exportBody(run, n, format, keep)
			if final(run.Status) {
				s.exports[key] = body
			}
		}
		link = s.addDownload("results-"+run.Slug, format, body, exportTypes[format])
	}
	s.mu.Unlock()
	if run == nil {
		s.writeError(w, status, code, msg, nil)
		return
	}
	s.writeOK(w, map[string]any{"download_url": link})
}

// exportBody renders a run's rows in an export format: the columns are the
// result headers, in their order, kept to filter_keys when given.
func exportBody(run *fakeRun, n int, format string, keep []string) []byte {
	var hs []struct{ Key string }
	json.Unmarshal([]byte(headers(run.Worker.Scenario.RowKind)), &hs)
	var cols []string
	for _, h := range hs {
		if len(keep) == 0 || contains(keep, h.Key) {
			cols = append(cols, h.Key)
		}
	}
	rows := make([][]string, n)        // cells as text
	objs := make([]*jsonobj.Object, n) // rows cut to the columns
	for i := range rows {
		full, _ := jsonobj.Parse([]byte(row(run.Worker.Scenario.RowKind, i)))
		objs[i] = &jsonobj.Object{}
		for _, c := range cols {
			v, ok := full.Get(c)
			if !ok {
				v = json.RawMessage("null")
			}
			objs[i].Set(c, v)
			rows[i] = append(rows[i], cellText(v))
		}
	}
	var b bytes.Buffer
	switch format {
	case "csv":
		cw := csv.NewWriter(&b)
		cw.Write(cols)
		cw.WriteAll(rows)
	case "json":
		b.WriteString("[")
		for i, o := range objs {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  ")
			o.WriteTo(&b)
		}
		b.WriteString("\n]\n")
	case "jsonl":
		for _, o := range objs {
			o.WriteTo(&b)
			b.WriteString("\n")
		}
	case "xml", "rss":
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		if format == "rss" {
			fmt.Fprintf(&b, "<rss version=\"2.0\"><channel><title>Run %s</title>\n", run.Slug)
		} else {
			b.WriteString("<items>\n")
		}
		for _, r := range rows {
			b.WriteString("<item>")
			for j, c := range cols {
				fmt.Fprintf(&b, "<%s>%s</%s>", c, xmlText(r[j]), c)
			}
			b.WriteString("</item>\n")
		}
		if format == "rss" {
			b.WriteString("</channel></rss>\n")
		} else {
			b.WriteString("</items>\n")
		}
	case "html":
		b.WriteString("<!DOCTYPE html>\n<html><body><table>\n<tr>")
		for _, c := range cols {
			fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(c))
		}
		b.WriteString("</tr>\n")
		for _, r := range rows {
			b.WriteString("<tr>")
			for _, v := range r {
				fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(v))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table></body></html>\n")
	case "xlsx", "xls":
		// Not a real workbook: the magic bytes of the format, then a
		// fixed filler, enough for a size check and a file type sniff.
		magic := "PK\x03\x04\x14\x00\x06\x00"
		size := 2048
		if format == "xls" {
			magic, size = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 4096
		}
		b.WriteString(magic)
		for b.Len() < size {
			b.WriteByte(byte(b.Len() % 251))
		}
	}
	return b.Bytes()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cellText renders a raw value for csv, xml and html: strings as they are,
// null as empty, anything else as its JSON.
func cellText(v json.RawMessage) string {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

// xmlText escapes text for XML 1.0, dropping the control characters it
// cannot carry.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
	return html.EscapeString(s)
}
