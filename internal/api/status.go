package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Status is a run status. The API sends strings; older servers and tools
// send the v1 integers 1–5 (REFERENCE §6). Both decode to the same values.
type Status string

const (
	StatusReady     Status = "ready"
	StatusRunning   Status = "running"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusAborting  Status = "aborting"
	StatusAborted   Status = "aborted"
)

// ListStatuses returns the values the run-list status filter accepts.
func ListStatuses() []Status {
	return []Status{StatusReady, StatusRunning, StatusSucceeded, StatusFailed, StatusAborting}
}

// ParseStatus normalises a status as the server or a user wrote it:
// integers 1–5, any case, and the synonyms seen in CoreClaw's own tools.
// Unknown values are kept verbatim (lower-cased).
func ParseStatus(s string) Status {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil {
		switch n {
		case 1:
			return StatusReady
		case 2:
			return StatusRunning
		case 3:
			return StatusSucceeded
		case 4:
			return StatusFailed
		case 5:
			// The v1 integer 5 is documented both as "Aborted" and as
			// "ABORTING"; the v2 mapping says aborting.
			return StatusAborting
		}
		return Status(s)
	}
	switch s {
	case "success", "completed", "finished":
		// Synonyms tolerated by CoreClaw's own audit scripts.
		return StatusSucceeded
	case "cancelled", "canceled":
		return StatusAborted
	}
	return Status(s)
}

func (s *Status) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*s = ""
		return nil
	}
	if b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = ParseStatus(str)
		return nil
	}
	*s = ParseStatus(string(b))
	return nil
}

// Terminal reports whether the run has ended or is being cancelled.
func (s Status) Terminal() bool {
	switch s {
	case StatusSucceeded, StatusFailed, StatusAborted, StatusAborting:
		return true
	}
	return false
}

// Aborted reports a cancelled run, whether cancellation is still pending
// (aborting) or done (aborted).
func (s Status) Aborted() bool { return s == StatusAborting || s == StatusAborted }

// Known reports whether the status is one the CLI understands.
func (s Status) Known() bool {
	switch s {
	case StatusReady, StatusRunning, StatusSucceeded, StatusFailed, StatusAborting, StatusAborted:
		return true
	}
	return false
}

func (s Status) String() string { return string(s) }
