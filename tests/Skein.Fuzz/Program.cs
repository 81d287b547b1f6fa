// The fuzz driver: `Skein.Fuzz <target>` hands afl++'s inputs to one of FuzzTargets (in-process, persistent);
// `Skein.Fuzz <target> <file>...` runs files once and says what each did (triage); `Skein.Fuzz seeds <target>
// <folder>` writes the seed corpus. The targets and their invariants live in Skein.Testing, shared with the
// corpus replay tests; this file only wires them to SharpFuzz.
using SharpFuzz;
using Skein.Testing;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Skein.Fuzz <target>                 run under afl-fuzz (input from afl++)");
    Console.Error.WriteLine("       Skein.Fuzz <target> <file>...       run files once, report each (triage)");
    Console.Error.WriteLine("       Skein.Fuzz seeds <target> <folder>  write the seed corpus");
    foreach (var (name, description) in FuzzTargets.Descriptions)
    {
        Console.Error.WriteLine($"targets: {name,-8} {description}");
    }
    return 2;
}

if (args[0] == "seeds")
{
    if (args.Length != 3)
    {
        Console.Error.WriteLine("usage: Skein.Fuzz seeds <target> <folder>");
        return 2;
    }
    Directory.CreateDirectory(args[2]);
    var count = 0;
    foreach (var (name, bytes) in FuzzSeeds.For(args[1]))
    {
        File.WriteAllBytes(Path.Combine(args[2], name), bytes);
        count++;
    }
    Console.WriteLine($"{count} seeds for '{args[1]}' in {args[2]}");
    return 0;
}

var target = FuzzTargets.For(args[0]);
if (args.Length == 1)
{
    // Under afl-fuzz (__AFL_SHM_ID set) this loops over afl++'s inputs; run by hand it reads one from stdin.
    Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}

var failed = 0;
foreach (var file in args.Skip(1))
{
    try
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"ok      {file}");
    }
    catch (Exception error) when (error is FuzzInvariantException or SystemException)
    {
        failed++;
        Console.WriteLine($"FAILED  {file}\n{error}");
    }
}
return failed == 0 ? 0 : 1;
