package fakeapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// downloadHost serves download links (export files, full logs) on a second
// loopback listener, as the platform's file storage would: another host
// than the API, so that scripts can prove the API key never goes there.
// Its requests are recorded with the API's, and faults apply to them too.
type downloadHost struct {
	url  string
	http *http.Server
	next int
}

// startDownloadHost listens on another port of the API's loopback host.
func (s *Server) startDownloadHost(apiAddr string) error {
	host, _, err := net.SplitHostPort(apiAddr)
	if err != nil {
		return err
	}
	ln, err := s.listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return err
	}
	s.files = &downloadHost{
		url:  "http://" + ln.Addr().String(),
		http: &http.Server{Handler: http.HandlerFunc(s.serveDownloadHost), ReadHeaderTimeout: 10 * time.Second},
	}
	go s.files.http.Serve(ln)
	return nil
}

func (s *Server) closeDownloadHost() {
	if s.files == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.files.http.Shutdown(ctx); err != nil {
		s.files.http.Close()
	}
}

// DownloadURL is the base URL of the download host.
func (s *Server) DownloadURL() string { return s.files.url }

// IsDownloadRequest reports whether a recorded request went to the
// download host rather than the API.
func (s *Server) IsDownloadRequest(r Request) bool {
	return "http://"+r.Host == s.files.url
}

// addDownload publishes a file under /_downloads/NAME-N.EXT and returns its
// URL; N keeps every link distinct. Callers hold s.mu.
func (s *Server) addDownload(name, ext string, body []byte, contentType string) string {
	s.files.next++
	p := fmt.Sprintf("/_downloads/%s-%d.%s", name, s.files.next, ext)
	s.downloads[p] = download{body: body, contentType: contentType}
	return s.files.url + p + s.signedQuery()
}

// serveDownloadHost answers a download: no key needed, and any credential
// that arrives is recorded as a violation (the client must never send it).
func (s *Server) serveDownloadHost(w http.ResponseWriter, r *http.Request) {
	s.record(r, nil)
	if r.Header.Get("Authorization") != "" || r.Header.Get("api-key") != "" || r.URL.Query().Has("token") ||
		strings.Contains(r.URL.RawQuery, s.key) {
		s.violation("request %s %s to the download host carried credentials", r.Method, r.URL.Path)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	fault := s.takeFault(r)
	if fault != nil && (fault.Status != 0 || fault.Code != 0 || fault.HTML || fault.Malformed) {
		// An error reply instead of the file.
		s.applyFault(w, r, fault, nil)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.serveDownload(rec, r)
	if fault != nil && fault.Gzip {
		// A host that compresses whatever it is asked.
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		zw.Write(rec.body.Bytes())
		zw.Close()
		rec.body = zipped
		rec.header.Set("Content-Encoding", "gzip")
		fault = nil
	}
	// Storage announces the size, which is how a cut download shows.
	rec.header.Set("Content-Length", strconv.Itoa(rec.body.Len()))
	if fault != nil {
		// A slow or cut body still announces the file's full size.
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		s.applyFault(w, r, fault, rec)
		return
	}
	if s.downloadRate > 0 && r.Method == http.MethodGet {
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		writeThrottled(r.Context(), w, rec.body.Bytes(), s.downloadRate, s.sleep)
		return
	}
	rec.copyTo(w)
}
