-- Placeholder on branch i17-interfaces only: version 0007 belongs to revolving's 0007_non_poor_share.sql (issue 17), and
-- migrations run without gaps. When merging, revolving's file replaces this one.
SELECT 1;
