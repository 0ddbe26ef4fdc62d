-- A household's earlier overdue notices (a second miss is also told to the unit).
CREATE INDEX ix_notifications_overdue_household ON notifications ((variables ->> 'householdId'))
    WHERE rule = 'household_contact_overdue';
