-- branch: one registration submitted; the branch's own roll-up row only, plus the audit event.
-- Variables: year, branches (-D). The row of branch n gives its unit id and path (\gset).
\set n random(1, :branches)
SELECT unit_id AS branch, path FROM rowlocks.branch WHERE n = :n \gset
BEGIN;
UPDATE rowlocks.stats SET registered = registered + 1, waiting = waiting + 1
WHERE year = :year AND unit_id = :branch;
INSERT INTO rowlocks.audit (at, actor_id, action, target_type, target_id, unit_path, summary, changes)
VALUES (now(), NULL, 'registration.submitted', 'registration', :n, ':path', 'Nguyễn Văn An',
        '{"state": ["draft", "submitted"]}');
END;
