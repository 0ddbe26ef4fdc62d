-- The household file import is kept in imports like the other bulk imports: who loaded which file, under which scope,
-- with what counts or which errors (it was the one import without a trail).
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('households', 'helpers', 'pairings', 'contacts'));
