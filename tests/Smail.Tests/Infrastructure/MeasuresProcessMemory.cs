namespace Smail.Tests.Infrastructure;

/// <summary>
/// Tests that read the whole process's managed heap: run alone, after the parallel tests, since any other
/// test running meanwhile allocates in the same heap (a busy machine made that overlap longer and the bound fail).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresProcessMemory
{
    public const string Name = "Measures process memory";
}
