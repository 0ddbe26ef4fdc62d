-- Placeholder on branch i17-interfaces only: version 0005 belongs to alloc's 0005_allocation_changes.sql (issue 17), and
-- migrations run without gaps. When merging, alloc's file replaces this one.
SELECT 1;
