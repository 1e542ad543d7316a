package api

import (
	"context"
	"encoding/json"
	"errors"
)

// InputSchema reads a Worker's input schema (public: no key needed). The
// schema is returned as the API sent it: it comes in two shapes
// (REFERENCE §8.1) and internal/schema makes sense of it. A reply without
// a schema returns nil.
func (c *Client) InputSchema(ctx context.Context, worker WorkerID) (json.RawMessage, error) {
	var out struct {
		InputSchema json.RawMessage `json:"input_schema"`
	}
	cl := call{
		method: "GET",
		path:   "/api/v2/workers/" + worker.PathSegment() + "/input-schema",
		public: true,
	}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	switch string(out.InputSchema) {
	case "":
		// null says the Worker has no schema; no member at all says
		// nothing.
		return nil, &ReplyError{Op: "GET " + cl.path, Err: errors.New("no input_schema in the reply")}
	case "null":
		return nil, nil
	}
	return out.InputSchema, nil
}
