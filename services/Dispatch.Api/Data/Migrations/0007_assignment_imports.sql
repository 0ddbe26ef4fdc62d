-- The assignment import (POST /api/dispatch/assignments/import) keeps its attempts in imports beside the unit and cadre
-- imports.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('units', 'cadres', 'assignments'));
