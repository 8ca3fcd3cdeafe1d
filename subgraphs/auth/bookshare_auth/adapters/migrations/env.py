from bookshare_auth.adapters.tables import metadata
from bookshare_common.migrations import run_env

run_env(target_metadata=metadata)
