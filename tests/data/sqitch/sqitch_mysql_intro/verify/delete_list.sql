-- Verify delete_list

BEGIN;

SELECT sqitch.checkit(COUNT(*), 'Procedure "delete_list" does not exist')
  FROM information_schema.routines
 WHERE routine_schema = database()
   AND routine_name = 'delete_list';

ROLLBACK;
