-- How many decisions `corrections` holds (the reader's overlay included).
SELECT count(*) FROM corrections;
