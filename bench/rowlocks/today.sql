-- today: what training/rollup.py `_add` did: ONE update of the branch's row and of every
-- ancestor's row, `unit_path IN (<every prefix of the branch's path>)` as literals, plus the
-- audit event. `prefixes` is that list, quoted ('0001','00010002',...), substituted as text.
\set n random(1, :branches)
SELECT unit_id AS branch, path, prefixes FROM rowlocks.branch WHERE n = :n \gset
BEGIN;
UPDATE rowlocks.stats SET registered = registered + 1, waiting = waiting + 1
WHERE year = :year AND unit_path IN (:prefixes);
INSERT INTO rowlocks.audit (at, actor_id, action, target_type, target_id, unit_path, summary, changes)
VALUES (now(), NULL, 'registration.submitted', 'registration', :n, ':path', 'Nguyễn Văn An',
        '{"state": ["draft", "submitted"]}');
END;
