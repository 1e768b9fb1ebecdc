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
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
  }

  /**
   * The table writers sit below every module: they bind and count, and know nothing of who calls
   * them.
   */
  @Test
  void theStoreKnowsNoModule() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".poll..",
            ROOT + ".webhook..",
            ROOT + ".ops..",
            ROOT + ".jobs..",
            ROOT + ".geocode..",
            ROOT + ".app..",
            ROOT + ".cli..",
            ROOT + ".ingest..",
            ROOT + ".tracksolid..",
            ROOT + ".lease..",
            ROOT + ".simulator..",
            ROOT + ".backup..")
        .check(MAIN);
  }

  @Test
  void configurationDependsOnNoOtherPackageOfTheService() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".config..")
        .should()
        .dependOnClassesThat(
            describe(
                "a class of another package of the service",
                (JavaClass c) ->
                    c.getPackageName().startsWith(ROOT + ".")
                        && !c.getPackageName().startsWith(ROOT + ".config")))
        .check(MAIN);
  }

  @Test
  void theServiceLifecycleKnowsNoModule() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".app..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".tracksolid..",
            ROOT + ".geocode..",
            ROOT + ".ops..",
            ROOT + ".jobs..",
            ROOT + ".webhook..",
            ROOT + ".poll..",
            ROOT + ".ingest..",
            ROOT + ".cli..",
            ROOT + ".simulator..",
            ROOT + ".backup..",
            ROOT + ".reporting..")
        .check(MAIN);
  }
}
