-- The newest publication day in the warehouse (NULL when there are no documents).
SELECT max(day) AS day
FROM timeline;
