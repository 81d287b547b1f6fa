using Skein.Cli;

return await SkeinCommand.RunAsync(args);
