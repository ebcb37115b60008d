package omgjort

import "context"

// AuditBatch is an AuditLogger that appends many entries in one write: an export that holds a
// thousand own decisions records a thousand reads, one per decision, as a page view would,
// without a thousand disk syncs. The audit package's Log implements it.
type AuditBatch interface {
	RecordAll(ctx context.Context, es []AuditEntry) error
}

// RecordAll records es through l: in one write when l is an AuditBatch, else one by one.
func RecordAll(ctx context.Context, l AuditLogger, es []AuditEntry) error {
	if l == nil || len(es) == 0 {
		return nil
	}
	if b, ok := l.(AuditBatch); ok {
		return b.RecordAll(ctx, es)
	}
	for _, e := range es {
		if err := l.Record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
