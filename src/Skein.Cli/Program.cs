using Skein.Cli;
using Skein.Cli.Commands;
using Skein.Cli.Workers;

// A process model starts `skein worker` once per worker process (per connection, for `process`): it skips
// building the whole command tree, a sixth of a native worker's start-up (docs/processes.md).
return args is [WorkerPrograms.WorkerCommand] ? WorkerCommand.Run() : await SkeinCommand.RunAsync(args);
