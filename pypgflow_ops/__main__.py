from pypgflow_ops.cli import main

main()
