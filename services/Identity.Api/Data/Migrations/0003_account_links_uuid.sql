-- An account's cadre and unit are dispatch's records, whose ids are UUIDs (dispatch's cadres.id, assisting_units.id),
-- not numbers. No account carried either before the admin API existed, so nothing is converted.
-- What IdentityDb's GenerateCreateScript() now says for these two columns (IdentitySchemaTests compares).

ALTER TABLE accounts ALTER COLUMN cadre_id TYPE uuid USING NULL;

ALTER TABLE accounts ALTER COLUMN unit_id TYPE uuid USING NULL;
