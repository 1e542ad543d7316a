package output

import (
	"context"
	"encoding/json"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// Items prints a list as it is walked (runs, tasks, queue items, Workers):
// walk calls its function with each item as the API sent it, and row turns
// an item into its output row: for the table (table true) the columns a
// human reads, otherwise usually the item itself. The table's columns are
// the keys of its first row, so an empty table prints nothing. Items
// returns how many items were printed.
func (p *Printer) Items(ctx context.Context, walk func(func(json.RawMessage) error) (int, error),
	row func(raw json.RawMessage, table bool) (*jsonobj.Object, error)) (int, error) {
	table := p.Format == Table
	rows := p.Rows(ctx)
	n, err := walk(func(raw json.RawMessage) error {
		r, err := row(raw, table)
		if err != nil {
			return err
		}
		return rows.Row(r)
	})
	if err != nil {
		return n, err
	}
	return n, rows.Close()
}
