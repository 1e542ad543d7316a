package api

import (
	"context"
	"encoding/json"
)

// InputSchema reads a Worker's input schema (public: no key needed). The
// schema is returned as the API sent it: it comes in two shapes
// (REFERENCE §8.1) and internal/schema makes sense of it. A reply without
// a schema returns nil.
func (c *Client) InputSchema(ctx context.Context, worker WorkerID) (json.RawMessage, error) {
	var out struct {
		InputSchema json.RawMessage `json:"input_schema"`
	}
	err := c.do(ctx, call{
		method: "GET",
		path:   "/api/v2/workers/" + worker.PathSegment() + "/input-schema",
		public: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	if string(out.InputSchema) == "null" {
		return nil, nil
	}
	return out.InputSchema, nil
}
