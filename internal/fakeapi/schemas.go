package fakeapi

import (
	"encoding/json"
	"net/http"
)

// oddSchema is a schema no client can interpret: properties is neither the
// Worker format's array nor JSON Schema's object.
const oddSchema = `{"description": "A schema in a shape nobody documented.", "properties": "keywords, max_results"}`

// formSchema uses the editors of CoreClaw's input-schema guide: select,
// radio and checkbox options ([{label, value}] rather than enum), a
// multiple select, a requestList whose items are {"url": ...} objects.
const formSchema = `{
  "description": "Fetch pages, the way the console form describes it.",
  "concurrency": {"fields": ["startUrls"]},
  "properties": [
    {"title": "Start URLs", "name": "startUrls", "type": "array", "editor": "requestList", "description": "Pages to fetch", "default": [{"url": "https://example.com"}], "required": true},
    {"title": "Language", "name": "language", "type": "string", "editor": "select", "description": "Page language", "options": [{"label": "English", "value": "en"}, {"label": "Chinese", "value": "zh"}], "default": "en"},
    {"title": "Category", "name": "category", "type": "integer", "editor": "radio", "options": [{"label": "hotel", "value": 1}, {"label": "restaurant", "value": 2}], "default": 1},
    {"title": "Sections", "name": "sections", "type": "array", "editor": "checkbox", "options": [{"label": "Reviews", "value": "reviews"}, {"label": "Address", "value": "address"}], "default": ["reviews"]},
    {"title": "Tags", "name": "tags", "type": "string", "editor": "select", "multiple": true, "options": [{"label": "New", "value": "new"}, {"label": "Old", "value": "old"}]},
    {"title": "Max results", "name": "max_results", "type": "integer", "editor": "number", "description": "Stop after this many", "minimum": 1}
  ]
}`

// schemaWorkers are Workers whose input schema exercises the client's
// schema check: the console form's editors, a schema no client can
// interpret, one whose schema endpoint answers 404 (Schema nil).
func schemaWorkers() []*Worker {
	w := func(slug, name, title string, schema json.RawMessage, behaviour string) *Worker {
		return &Worker{Slug: slug, Owner: "fake", Name: name, Title: title, Version: "v1.0.0",
			Description: title + " (fake)", Own: true, Schema: schema, Behaviour: behaviour,
			Scenario: Scenario{Outcome: "succeeded", ReadyPolls: 1, RunningPolls: 1, Rows: 1, RowKind: "plain"}}
	}
	return []*Worker{
		w("01KFAKE0000000000000000013", "form", "Form editors", json.RawMessage(formSchema),
			"succeeds with 1 row; its input schema uses the console form's editors (select, radio, checkbox, requestList)"),
		w("01KFAKE0000000000000000011", "odd-schema", "Odd schema", json.RawMessage(oddSchema),
			"succeeds with 1 row; its input schema has a shape no client can read, so the check warns and the run goes ahead"),
		w("01KFAKE0000000000000000012", "no-schema", "No schema", nil,
			"succeeds with 1 row; it has no input schema (404), so nothing is checked"),
	}
}

func (s *Server) schemaRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v2/workers/{workerId}/input-schema", s.handleInputSchema)
}

// handleInputSchema serves GET /workers/{id}/input-schema (public): the
// Worker's schema as it is stored, in whichever shape.
func (s *Server) handleInputSchema(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	worker := findWorker(s.workers, r.PathValue("workerId"))
	hostile := s.variants.Hostile
	s.mu.Unlock()
	if worker == nil || worker.Schema == nil {
		s.writeError(w, http.StatusNotFound, 11004, "not found", nil)
		return
	}
	schema := worker.Schema
	if hostile {
		schema = json.RawMessage(HostileSchema)
	}
	s.writeOK(w, map[string]any{"input_schema": schema})
}
