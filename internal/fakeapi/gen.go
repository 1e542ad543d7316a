package fakeapi

import (
	"encoding/json"
	"math"
	"time"
)

// maxGeneratedRows bounds fake/gen's result sets: rows are made as they
// are read, so only a page's worth is ever in memory (an export holds the
// whole file).
const maxGeneratedRows = 1_000_000

// genSchema declares fake/gen's two inputs.
const genSchema = `{
  "description": "Generated result sets of any size, for benchmarks.",
  "properties": [
    {"title": "Rows", "name": "rows", "type": "integer", "editor": "number", "default": 1000, "minimum": 0, "maximum": 1000000, "description": "How many result rows the run has"},
    {"title": "Seconds", "name": "seconds", "type": "number", "editor": "number", "minimum": 0, "description": "How long the run lasts, from its start to its end (under the fake's clock); default: the fake's own times"}
  ]
}`

// GenWorker is fake/gen: a run with custom.rows rows, generated on the
// fly, that ends custom.seconds after it starts (when runs progress with
// the clock, as in fakeclaw and the benchmarks). It is not in
// DefaultWorkers, which the scripts list; fakeclaw and the benchmarks add
// it (FakeclawWorkers).
func GenWorker() *Worker {
	return &Worker{Slug: "01KFAKE0000000000000000014", Owner: "fake", Name: "gen", Title: "Generated rows",
		Version: "v1.0.0", Description: "Generated rows (fake)", Own: true, Schema: json.RawMessage(genSchema),
		Scenario:  Scenario{Outcome: "succeeded", ReadyPolls: 1, RunningPolls: 1, Rows: 1000, Generated: true},
		Behaviour: "succeeds with rows places (default 1000, up to 1,000,000) made as they are read, seconds after it starts: for benchmarks"}
}

// FakeclawWorkers is fakeclaw's catalogue: the default one and fake/gen.
func FakeclawWorkers() []*Worker { return append(DefaultWorkers(), GenWorker()) }

// generatedRun reads fake/gen's input: the rows wanted, and the run's own
// timing when seconds is given.
func generatedRun(input json.RawMessage) (rows int, timing *Timing) {
	var in struct {
		Parameters struct {
			Custom struct {
				Rows    *json.Number `json:"rows"`
				Seconds *json.Number `json:"seconds"`
			} `json:"custom"`
		} `json:"parameters"`
	}
	rows = -1
	if json.Unmarshal(input, &in) != nil {
		return rows, nil
	}
	c := in.Parameters.Custom
	if c.Rows != nil {
		if n, err := c.Rows.Int64(); err == nil && n >= 0 && n <= maxGeneratedRows {
			rows = int(n)
		}
	}
	if c.Seconds != nil {
		if f, err := c.Seconds.Float64(); err == nil && f >= 0 && f <= 24*3600 && !math.IsNaN(f) {
			total := time.Duration(f * float64(time.Second))
			// Ready for a tenth of the run (a second at most), then running.
			ready := min(total/10, time.Second)
			timing = &Timing{ReadyFor: ready, RunningFor: total - ready}
		}
	}
	return rows, timing
}
