-- Placeholder on branch i17-interfaces only: version 0006 belongs to revolving's 0006_revolving_funds.sql (issue 17), and
-- migrations run without gaps. When merging, revolving's file replaces this one.
SELECT 1;
