// Package output prints data on stdout in the formats every command shares:
// json (one document), jsonl (one value per line, streamed), csv and table.
package output

import (
	"fmt"
	"strings"
)

// Format is an -o value.
type Format string

const (
	JSON  Format = "json"
	JSONL Format = "jsonl"
	CSV   Format = "csv"
	Table Format = "table"
)

// Formats lists the -o values, for help and completion.
func Formats() []string { return []string{string(JSON), string(JSONL), string(CSV), string(Table)} }

// Resolve turns the -o flag into a format: the default is table on a
// terminal and json otherwise.
func Resolve(flag string, stdoutTTY bool) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(flag))); f {
	case "":
		if stdoutTTY {
			return Table, nil
		}
		return JSON, nil
	case JSON, JSONL, CSV, Table:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q: use json, jsonl, csv or table", flag)
}
