package io.fleet.ingest.arch;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Packages by concern depend on each other in one direction only: no cycles, and the lower layers
 * (configuration, the service's module contract in {@code app}) know nothing of the modules above.
 */
class PackageCyclesTest {
  private static final String ROOT = "io.fleet.ingest";
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
        // Known and scheduled: the ingest writers report to the meters in ops, and ops' meters take
        // the writers' WriteResult; the store package that replaces both breaks this one.
        .ignoreDependency(describe("ops.IngestMetrics", (JavaClass c) -> c.getName().equals(ROOT + ".ops.IngestMetrics")),
            describe("ingest.WriteResult", (JavaClass c) -> c.getName().equals(ROOT + ".ingest.WriteResult")))
        .check(MAIN);
  }

  @Test
  void configurationDependsOnNoOtherPackageOfTheService() {
    noClasses().that().resideInAPackage(ROOT + ".config..")
        .should().dependOnClassesThat(describe("a class of another package of the service",
            (JavaClass c) -> c.getPackageName().startsWith(ROOT + ".") && !c.getPackageName().startsWith(ROOT + ".config")))
        .check(MAIN);
  }

  @Test
  void theServiceLifecycleKnowsNoModule() {
    noClasses().that().resideInAPackage(ROOT + ".app..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".tracksolid..", ROOT + ".geocode..",
            ROOT + ".ops..", ROOT + ".jobs..", ROOT + ".webhook..", ROOT + ".poll..", ROOT + ".ingest..",
            ROOT + ".cli..", ROOT + ".simulator..", ROOT + ".backup..", ROOT + ".reporting..")
        .check(MAIN);
  }
}
