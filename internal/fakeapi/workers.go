package fakeapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Scenario is how runs of a Worker behave.
type Scenario struct {
	// Outcome is the final status: succeeded, failed, aborting, aborted.
	Outcome string
	// ReadyPolls and RunningPolls: how many detail reads a run answers
	// with ready, then running, before it shows Outcome (poll mode).
	ReadyPolls, RunningPolls int
	// ErrMsg is the run's err_msg when it fails.
	ErrMsg string
	// Rows is the number of result rows when the input does not say
	// (custom.max_results does).
	Rows int
	// RowKind picks the row generator: places (default), tricky, plain.
	RowKind string
	// Timing is how long a run stays ready, then running, when runs
	// progress with the clock (Variants.TimeProgress: fakeclaw); nil
	// takes the server's ReadyFor and RunningFor. Runs that progress by
	// reads (the scripts) count ReadyPolls and RunningPolls instead.
	Timing *Timing
	// Generated: rows and duration come from the input's rows and
	// seconds (fake/gen, gen.go).
	Generated bool
}

// Timing is a Worker's own run durations under time-based progress.
type Timing struct {
	ReadyFor, RunningFor time.Duration
}

// Worker is one Worker of the fake catalogue.
type Worker struct {
	Slug        string
	Owner       string
	Name        string
	Title       string
	Description string
	Version     string
	Scenario    Scenario
	// Schema is the input schema served by /input-schema (opaque JSON).
	Schema json.RawMessage
	// Store: listed by the public Store search. Own: listed by /workers.
	Store, Own bool
	// Behaviour says in one line what runs of this Worker do in the fake,
	// for people trying coreclaw by hand: `fakeclaw serve` lists it, and
	// the README's table of the fake's Workers repeats it.
	Behaviour string
}

// Path is owner~name.
func (w *Worker) Path() string { return w.Owner + "~" + w.Name }

// googleMapsSchema is in the Worker-authored format: properties is an
// array of {name, type, required, default, ...} (REFERENCE §8.1).
const googleMapsSchema = `{
  "description": "Scrape places from Google Maps.",
  "properties": [
    {"title": "Search keywords", "name": "keywords", "type": "array", "editor": "stringList", "required": true, "description": "What to search for"},
    {"title": "Location", "name": "base_location", "type": "string", "editor": "textfield", "required": true, "description": "City and country"},
    {"title": "Max results", "name": "max_results", "type": "integer", "editor": "number", "default": 10, "minimum": 1, "maximum": 500},
    {"title": "Language", "name": "language", "type": "string", "editor": "select", "default": "en", "enum": ["en", "de", "fr", "zh"]},
    {"title": "Include reviews", "name": "include_reviews", "type": "boolean", "default": false}
  ]
}`

// jsonSchemaLike is the other documented shape: a JSON-Schema-like object.
const jsonSchemaLike = `{
  "type": "object",
  "required": ["url"],
  "properties": {
    "url": {"type": "string", "description": "Page to fetch"},
    "depth": {"type": "integer", "default": 1, "minimum": 0, "maximum": 5},
    "follow_links": {"type": "boolean", "default": false},
    "format": {"type": "string", "enum": ["html", "text", "markdown"], "default": "text"}
  }
}`

// DefaultWorkers is the catalogue every fake server starts with. The
// fake/ Workers each exercise one scenario, which Behaviour describes.
func DefaultWorkers() []*Worker {
	w := func(slug, owner, name, title string, sc Scenario, behaviour string) *Worker {
		if sc.ReadyPolls == 0 && sc.RunningPolls == 0 {
			sc.ReadyPolls, sc.RunningPolls = 1, 1
		}
		return &Worker{Slug: slug, Owner: owner, Name: name, Title: title, Version: "v1.2.8",
			Description: title + " (fake)", Scenario: sc, Schema: json.RawMessage(`{"properties": []}`),
			Behaviour: behaviour}
	}
	maps := w("01KPD6M5YQADCQKGVKPDZVYC63", "coreclaw", "google-maps-scraper", "Google Maps Scraper",
		Scenario{Outcome: "succeeded", ReadyPolls: 1, RunningPolls: 2, Rows: 3},
		"succeeds with 3 places, or max_results of them; its input schema requires keywords and base_location and is checked before the run starts")
	maps.Schema = json.RawMessage(googleMapsSchema)
	maps.Store = true
	maps.Description = "Extract places, ratings and contacts from Google Maps."

	web := w("01KQWEB0000000000000000001", "coreclaw", "web-page-fetcher", "Web Page Fetcher",
		Scenario{Outcome: "succeeded", Rows: 1, RowKind: "plain"},
		"succeeds with 1 row; its input schema is JSON-Schema-shaped and requires url")
	web.Schema = json.RawMessage(jsonSchemaLike)
	web.Store = true

	list := []*Worker{
		maps, web,
		w("01KFAKE0000000000000000001", "fake", "succeeds", "Succeeds", Scenario{Outcome: "succeeded", Rows: 3},
			"succeeds with 3 places"),
		w("01KFAKE0000000000000000002", "fake", "instant", "Instant",
			Scenario{Outcome: "succeeded", ReadyPolls: 0, RunningPolls: -1, Rows: 2, Timing: &Timing{}},
			"succeeds with 2 rows the first time anyone looks"),
		w("01KFAKE0000000000000000003", "fake", "fails", "Fails", Scenario{Outcome: "failed", ErrMsg: "navigation timeout on page 3", Rows: 1},
			"fails after 1 row with the message \"navigation timeout on page 3\" (exit 3)"),
		w("01KFAKE0000000000000000004", "fake", "aborts", "Aborts", Scenario{Outcome: "aborting"},
			"ends up aborting and stays there (exit 6)"),
		w("01KFAKE0000000000000000005", "fake", "aborted", "Aborted", Scenario{Outcome: "aborted"},
			"ends up aborted (exit 6)"),
		w("01KFAKE0000000000000000006", "fake", "slow", "Slow",
			Scenario{Outcome: "succeeded", RunningPolls: 1 << 30, Rows: 1, Timing: &Timing{ReadyFor: time.Second, RunningFor: 45 * time.Second}},
			"runs for 45 s before it succeeds: try --timeout, Ctrl-C, logs --follow and abort"),
		w("01KFAKE0000000000000000007", "fake", "big", "Big", Scenario{Outcome: "succeeded", Rows: 2500, RowKind: "plain"},
			"succeeds with 2500 rows: paged results, and exports big enough for a progress bar"),
		w("01KFAKE0000000000000000008", "fake", "empty", "Empty", Scenario{Outcome: "succeeded", Rows: 0},
			"succeeds with no rows"),
		w("01KFAKE0000000000000000009", "fake", "tricky", "Tricky rows", Scenario{Outcome: "succeeded", Rows: 4, RowKind: "tricky"},
			"succeeds with 4 rows full of commas, quotes, line breaks, Unicode, terminal escapes and big integers"),
		w("01KFAKE0000000000000000010", "fake", "odd-status", "Odd status", Scenario{Outcome: "paused"},
			"stays in a status the API does not document (paused): coreclaw warns and keeps waiting"),
	}
	for _, x := range list[2:] {
		x.Own = true
	}
	return append(list, schemaWorkers()...)
}

// normalise maps the RunningPolls sentinel -1 (finish on the first read).
func (s Scenario) polls() (ready, running int) {
	ready, running = s.ReadyPolls, s.RunningPolls
	if running < 0 {
		running = 0
	}
	return ready, running
}

// row returns result row i (0-based) of a run as ordered JSON, and the
// headers of that kind of row.
func row(kind string, i int) string {
	n := i + 1
	switch kind {
	case "plain":
		return fmt.Sprintf(`{"n":%d,"title":"Item %d","__coreclaw_data_id__":"d%06d"}`, n, n, n)
	case "tricky":
		tricky := []string{
			`{"name":"Comma, Inc.","note":"says \"hi\"","count":9007199254740993,"tags":["a","b"],"meta":{"k":1},"empty":null,"__coreclaw_data_id__":"t1"}`,
			`{"name":"Line\nbreak","note":"tab\there","count":0,"tags":[],"meta":{},"empty":null,"__coreclaw_data_id__":"t2"}`,
			`{"name":"Ünïcødé 咖啡","note":"\u001b[31mred\u001b[0m","count":-1.5,"tags":["x"],"meta":null,"empty":true,"__coreclaw_data_id__":"t3"}`,
			`{"name":"","note":"","count":1e3,"tags":null,"meta":{"nested":{"deep":[1,2]}},"empty":false,"__coreclaw_data_id__":"t4"}`,
		}
		// Every row has its own data id, as the platform's rows do.
		return strings.Replace(tricky[i%len(tricky)], fmt.Sprintf(`"t%d"`, i%len(tricky)+1), fmt.Sprintf(`"t%d"`, n), 1)
	default:
		return fmt.Sprintf(`{"title":"Coffee Spot %d","address":"%d Main St, New York, USA","rating":4.%d,"reviews_count":%d,"phone":"+1 212 555 %04d","website":"https://example.com/places/%d","__coreclaw_data_id__":"p%06d"}`,
			n, 100+n, n%10, 10*n, n, n, n)
	}
}

func headers(kind string) string {
	switch kind {
	case "plain":
		return `[{"key":"n","label":"N"},{"key":"title","label":"Title"}]`
	case "tricky":
		return `[{"key":"name","label":"Name"},{"key":"note","label":"Note"},{"key":"count","label":"Count"},{"key":"tags","label":"Tags"},{"key":"meta","label":"Meta"},{"key":"empty","label":"Empty"}]`
	default:
		return `[{"key":"title","label":"Title"},{"key":"address","label":"Address"},{"key":"rating","label":"Rating"},{"key":"reviews_count","label":"Reviews"},{"key":"phone","label":"Phone"},{"key":"website","label":"Website"}]`
	}
}

// findWorker looks a Worker up by slug or owner~name (case-insensitive).
func findWorker(list []*Worker, id string) *Worker {
	for _, w := range list {
		if w.Slug == id || strings.EqualFold(w.Path(), id) {
			return w
		}
	}
	return nil
}
