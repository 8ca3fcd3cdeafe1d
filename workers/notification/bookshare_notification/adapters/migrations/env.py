from bookshare_common.migrations import run_env
from bookshare_notification.adapters.tables import metadata

run_env(target_metadata=metadata)
