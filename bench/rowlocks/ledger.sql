-- ledger: the branch's own row as in branch.sql, plus one delta row in the ledger (folded into
-- the ancestors' rows later by fold.sql), plus the audit event.
\set n random(1, :branches)
SELECT unit_id AS branch, path FROM rowlocks.branch WHERE n = :n \gset
BEGIN;
UPDATE rowlocks.stats SET registered = registered + 1, waiting = waiting + 1
WHERE year = :year AND unit_id = :branch;
INSERT INTO rowlocks.ledger (year, unit_path, members, registered, assessed, not_classified,
                             excellent, good, complete, incomplete, waiting, recognised, branches)
VALUES (:year, ':path', 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0);
INSERT INTO rowlocks.audit (at, actor_id, action, target_type, target_id, unit_path, summary, changes)
VALUES (now(), NULL, 'registration.submitted', 'registration', :n, ':path', 'Nguyễn Văn An',
        '{"state": ["draft", "submitted"]}');
END;
